"""``python -m bot.parsing --nlu-lookup > data/nlu/countries_lookup.yml``: the NLU lookup table of
country names, generated from ``bot/parsing/countries.yml``."""
import argparse
import sys

from bot.parsing.countries import render_nlu_lookup


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.parsing", description=__doc__)
    parser.add_argument("--nlu-lookup", action="store_true", required=True,
                        help="print data/nlu/countries_lookup.yml (the lookup table 'country')")
    parser.parse_args(argv)
    sys.stdout.write(render_nlu_lookup())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
