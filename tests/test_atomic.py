import os
import stat

import pytest

from mapper.atomic import OutputExistsError, atomic_path, atomic_write, check_writable
from mapper.errors import MapperError, OutputError


class Boom(Exception):
    pass


def leftovers(folder):
    return sorted(p for p in os.listdir(folder) if p.startswith("."))


def test_atomic_write_creates_file(tmp_path):
    target = tmp_path / "a.txt"
    with atomic_write(target) as f:
        f.write("héllo\n")
    assert target.read_text(encoding="utf-8") == "héllo\n"
    assert leftovers(tmp_path) == []


def test_atomic_write_binary(tmp_path):
    target = tmp_path / "a.bin"
    with atomic_write(target, "wb") as f:
        f.write(b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"


def test_failure_mid_write_keeps_old_file(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(Boom):
        with atomic_write(target, overwrite=True) as f:
            f.write("new, half")
            raise Boom()
    assert target.read_text() == "old"
    assert leftovers(tmp_path) == []


def test_failure_mid_write_creates_nothing(tmp_path):
    target = tmp_path / "a.txt"
    with pytest.raises(Boom):
        with atomic_write(target) as f:
            f.write("half")
            raise Boom()
    assert not target.exists()
    assert leftovers(tmp_path) == []


def test_refuses_to_overwrite(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(OutputExistsError, match="already exists.*overwrite"):
        with atomic_write(target) as f:
            f.write("new")
    assert target.read_text() == "old"
    # the error belongs to both roots: mapper's and the builtin one
    assert issubclass(OutputExistsError, MapperError) and issubclass(OutputExistsError, FileExistsError)


def test_file_appearing_during_write_is_not_clobbered(tmp_path):
    target = tmp_path / "a.txt"
    with pytest.raises(OutputExistsError):
        with atomic_write(target) as f:
            f.write("mine")
            target.write_text("someone else's")
    assert target.read_text() == "someone else's"
    assert leftovers(tmp_path) == []


def test_overwrite_replaces_and_keeps_mode(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    os.chmod(target, 0o640)
    with atomic_write(target, overwrite=True) as f:
        f.write("new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_file_gets_umask_mode_not_0600(tmp_path):
    target = tmp_path / "a.txt"
    old = os.umask(0o022)
    try:
        with atomic_write(target) as f:
            f.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_atomic_path_failure_keeps_old_file_and_cleans_up(tmp_path):
    target = tmp_path / "b.gpkg"
    target.write_bytes(b"old")
    with pytest.raises(Boom):
        with atomic_path(target, overwrite=True) as tmp:
            assert tmp.name == "b.gpkg" and tmp.parent.parent == tmp_path
            tmp.write_bytes(b"half")
            (tmp.parent / "b.gpkg-journal").write_bytes(b"j")
            raise Boom()
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_atomic_path_success(tmp_path):
    target = tmp_path / "b.gpkg"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
        (tmp.parent / "b.gpkg-wal").write_bytes(b"sidecar")
    assert target.read_bytes() == b"new"
    assert sorted(os.listdir(tmp_path)) == ["b.gpkg"]


def test_atomic_path_nothing_written(tmp_path):
    with pytest.raises(OutputError, match="nothing was written"):
        with atomic_path(tmp_path / "c.gpkg"):
            pass
    assert os.listdir(tmp_path) == []


def test_check_writable_errors(tmp_path):
    with pytest.raises(OutputError, match="does not exist"):
        check_writable(tmp_path / "missing" / "x.txt")
    with pytest.raises(OutputError, match="is a folder"):
        check_writable(tmp_path)
