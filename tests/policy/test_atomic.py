"""Outputs are written whole, with the usual file mode, and the process umask is left alone."""

import os
import stat

import pytest

from policy.atomic import atomic_writer


@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_output_mode_follows_the_umask_and_the_umask_is_unchanged(tmp_path, umask):
    previous = os.umask(umask)
    try:
        with atomic_writer(tmp_path / "out.txt") as out:
            out.write("x")
        assert os.umask(umask) == umask
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "out.txt").stat().st_mode) == {0o022: 0o644, 0o077: 0o600}[umask]


def test_a_failed_block_leaves_neither_output_nor_temporary_file(tmp_path):
    with pytest.raises(RuntimeError), atomic_writer(tmp_path / "out.txt") as out:
        out.write("half")
        raise RuntimeError
    assert list(tmp_path.iterdir()) == []
