"""What the CAP engine is asked: :class:`CapRequest`, checked and normalised when built."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Optional, Union

from bot.decimals import to_decimal

__all__ = ["Amount", "COMPANY_SIZES", "CapRequest"]

Amount = Union[Decimal, int, float, str]

COMPANY_SIZES = ("TPE", "PME", "ETI", "GE")


@dataclass(frozen=True)
class CapRequest:
    """What the client asks for on one buyer.

    ``granted``: the limit the insurer granted (``None`` or 0 with ``refused``/``cancelled``).
    ``french_content_share`` is a ratio (0.25 for 25 %). Amounts are in ``currency``.
    ``country_category``: the risk category of the buyer's country as the insurer gave it (1, 2, 3);
    ``company_age_years``: how long the client company has existed (whole years).
    """

    requested: Amount
    granted: Optional[Amount] = None
    refused: bool = False
    cancelled: bool = False
    buyer_country: str = "FR"
    transaction_date: Optional[date] = None
    turnover: Optional[Amount] = None
    company_size: Optional[str] = None
    currency: str = "EUR"
    credit_term_days: Optional[int] = None
    french_content_share: Optional[Amount] = None
    country_category: Optional[int] = None
    company_age_years: Optional[int] = None

    def __post_init__(self) -> None:
        setattr_ = object.__setattr__
        requested = to_decimal(self.requested, "requested", required=True)
        if requested == 0:
            raise ValueError("requested must be greater than 0")
        setattr_(self, "requested", requested)
        granted = to_decimal(self.granted, "granted")
        if (self.refused or self.cancelled) and granted not in (None, Decimal(0)):
            raise ValueError("give either a granted amount or refused/cancelled, not both")
        if granted is None and not (self.refused or self.cancelled):
            raise ValueError("say what the insurer granted (an amount) or that it refused/cancelled")
        setattr_(self, "granted", granted if granted is not None else Decimal(0))
        country = (self.buyer_country or "FR").strip().upper()
        if len(country) != 2 or not country.isalpha() or not country.isascii():
            raise ValueError(f"buyer_country must be an ISO 3166 alpha-2 code like FR or DE (got {self.buyer_country!r})")
        setattr_(self, "buyer_country", country)
        currency = (self.currency or "EUR").strip().upper()
        if len(currency) != 3 or not currency.isalpha():
            raise ValueError(f"currency must be an ISO 4217 code like EUR (got {self.currency!r})")
        setattr_(self, "currency", currency)
        setattr_(self, "turnover", to_decimal(self.turnover, "turnover"))
        share = to_decimal(self.french_content_share, "french_content_share")
        if share is not None and share > 1:
            raise ValueError("french_content_share is a ratio between 0 and 1 (0.25 for 25 %)")
        setattr_(self, "french_content_share", share)
        if self.company_size is not None:
            size = str(self.company_size).strip().upper()
            if size not in COMPANY_SIZES:
                raise ValueError(f"company_size must be one of {', '.join(COMPANY_SIZES)}")
            setattr_(self, "company_size", size)
        if self.credit_term_days is not None and (
                not isinstance(self.credit_term_days, int) or isinstance(self.credit_term_days, bool)
                or self.credit_term_days < 0):
            raise ValueError("credit_term_days must be a whole number of days >= 0")
        if self.company_age_years is not None and (
                not isinstance(self.company_age_years, int) or isinstance(self.company_age_years, bool)
                or self.company_age_years < 0):
            raise ValueError("company_age_years must be a whole number of years >= 0")
        if self.country_category is not None and self.country_category not in (1, 2, 3):
            raise ValueError("country_category must be 1, 2 or 3")
        if self.transaction_date is not None and not isinstance(self.transaction_date, date):
            raise ValueError("transaction_date must be a date")

    @property
    def insurer_decision(self) -> str:
        """``full``, ``partial``, ``refused`` or ``cancelled``."""
        if self.cancelled:
            return "cancelled"
        if self.refused or self.granted == 0:
            return "refused"
        return "full" if self.granted >= self.requested else "partial"
