import pytest

from tests.e2e.stack import start_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    running = start_stack(tmp_path_factory.mktemp("stack-var"))
    yield running
    running.stop()


@pytest.fixture()
def token_for(stack):
    from bot.auth import issue_policyholder_token

    def make(policyholder_id: int, **kwargs) -> str:
        return issue_policyholder_token(stack.settings(), policyholder_id, **kwargs)

    return make
