import pytest

from tests.integration.servers import Servers


@pytest.fixture(scope="session")
def servers(tmp_path_factory):
    s = Servers(tmp_path_factory.mktemp("servers"))
    s.start_actions()
    s.start_rasa()
    yield s
    s.stop()
