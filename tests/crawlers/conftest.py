from tests.privacy_world import read_as, readers, world  # noqa: F401
