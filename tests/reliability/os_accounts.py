"""Throw-away operating-system accounts, and running the program in a real process of one.

Why it is done this way (forks of the root test process that drop root for good, modules
warmed up before the first fork, results through a pipe, names that say which run made them) is
told in the docstring of tests/reliability/test_shared_database.py.
"""

from __future__ import annotations

import contextlib
import ctypes
import grp
import importlib
import io
import json
import os
import pkgutil
import pwd
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import staffing_tui
from staffing_tui.cli import main as cli_main

PREFIX = "sttui-"
_LIBC = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
#: How long one process of an account may take before it is killed (it should take well under a second).
CHILD_TIMEOUT_S = 120


# --- accounts and groups ----------------------------------------------------------------------

@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int

    @property
    def login_environment(self) -> dict[str, str]:
        """What an SSH login sets: the variables a program must not take an identity from."""
        return {"USER": self.name, "LOGNAME": self.name, "HOME": f"/home/{self.name}"}


def _admin(*argv: str) -> None:
    """Run useradd/userdel/groupadd/groupdel, waiting while another process holds the lock on
    /etc/passwd or /etc/group (two xdist workers may create accounts at the same moment)."""
    for _ in range(100):
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode == 0:
            return
        if "lock" not in done.stderr.lower():
            break
        time.sleep(0.1)
    raise RuntimeError(f"`{' '.join(argv)}` failed: {done.stderr.strip()}")


def new_prefix() -> str:
    """A fresh name prefix for this test process: `sttui-<pid>-<random>`."""
    return f"{PREFIX}{os.getpid()}-{secrets.token_hex(3)}"


def create_group(name: str) -> int:
    _admin("groupadd", name)
    return grp.getgrnam(name).gr_gid


def create_account(name: str, group: str) -> Account:
    """An account without a home directory (-M), whose primary group is `group` (-N -g)."""
    _admin("useradd", "-M", "-N", "-g", group, "-s", "/usr/sbin/nologin", name)
    entry = pwd.getpwnam(name)
    return Account(name, entry.pw_uid, entry.pw_gid)


def remove_accounts(names: list[str], group: str | None) -> None:
    """Remove the accounts, then the group; try every one even when one fails, then say which did."""
    failures = []
    for name in names:
        try:
            _admin("userdel", name)
        except RuntimeError as exc:
            failures.append(str(exc))
    if group is not None:
        try:
            _admin("groupdel", group)
        except RuntimeError as exc:
            failures.append(str(exc))
    if failures:
        raise RuntimeError("; ".join(failures))


def _owner_is_gone(name: str) -> bool:
    """Whether `name` (sttui-<pid>-...) belongs to a test process that is no longer running."""
    try:
        pid = int(name[len(PREFIX):].split("-")[0])
    except ValueError:
        return False
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, only whether the process exists is checked
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def remove_leftovers() -> None:
    """Accounts, groups and /tmp folders left by an earlier run that was killed."""
    users = [p.pw_name for p in pwd.getpwall() if p.pw_name.startswith(PREFIX) and _owner_is_gone(p.pw_name)]
    groups = [g.gr_name for g in grp.getgrall() if g.gr_name.startswith(PREFIX) and _owner_is_gone(g.gr_name)]
    remove_accounts(users, None)
    for group in groups:
        remove_accounts([], group)
    for folder in Path("/tmp").glob(f"{PREFIX}*"):
        if _owner_is_gone(folder.name):
            shutil.rmtree(folder, ignore_errors=True)


def shared_folder(prefix: str, gid: int) -> Path:
    """A folder outside pytest's 0700 tmp dirs that the group can use: group `gid`, mode 2770
    (setgid: files made in it are the group's)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir="/tmp"))
    os.chown(folder, -1, gid)
    os.chmod(folder, 0o2770)
    return folder


# --- running the program as an account ----------------------------------------------------------

def cli(*argv: object) -> dict:
    """Run the command line in this process: {"code", "out", "err"}."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli_main([str(a) for a in argv])
    return {"code": code, "out": out.getvalue(), "err": err.getvalue()}


class _LateImports:
    """A meta path finder that only notes what a fork still tries to import (then lets others look)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def find_spec(self, name, path=None, target=None):
        self.names.append(name)
        return None


def _become(account: Account, env: dict[str, str], umask: int, parent: int) -> None:
    os.setgroups([account.gid])
    os.setgid(account.gid)
    os.setuid(account.uid)  # real, effective and saved: root is gone for good
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise RuntimeError("the process could take root back; it is not a real process of the account")
    # Die with the test process (a killed run must leave no process that keeps the account in
    # use); set after setuid, which clears it, then make sure the parent did not go meanwhile.
    _LIBC.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
    os.environ.update(env)
    os.umask(umask)


@dataclass
class Child:
    """A process of an account, started by `Runner.start`."""

    account: Account
    pid: int
    fd: int
    done: bool = False

    def result(self, timeout: float = CHILD_TIMEOUT_S):
        """What the job returned (AssertionError with the child's traceback when it raised)."""
        chunks, deadline = [], time.monotonic() + timeout
        try:
            while True:
                ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
                if not ready:
                    raise AssertionError(f"the process of {self.account.name} did not finish in {timeout} s")
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
        finally:
            self.stop()
        if not chunks:
            raise AssertionError(f"the process of {self.account.name} ended without a result")
        payload = json.loads(b"".join(chunks))
        if "error" in payload:
            raise AssertionError(f"the process of {self.account.name} failed:\n{payload['error']}"
                                 f"imports it tried after the fork: {payload['late_imports']}")
        return payload["value"]

    def stop(self) -> None:
        """Reap it (killing it first, by its pid, if it is still running)."""
        if self.done:
            return
        self.done = True
        os.close(self.fd)
        pid, _ = os.waitpid(self.pid, os.WNOHANG)
        if pid == 0:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)


@dataclass
class Runner:
    """Starts processes of accounts; `close` reaps every one it started, even after a failure."""

    children: list[Child] = field(default_factory=list)

    def start(self, account: Account, job: Callable, *args, env: dict[str, str] | None = None,
              umask: int = 0o077) -> Child:
        """Fork a process of `account` running `job(*args)` (its value must be JSON).

        `env`: its USER, LOGNAME and HOME (default: the account's own); `umask` 077 unless told,
        so anything the group may use was given to it on purpose, not left to the umask.
        """
        env = account.login_environment if env is None else env
        read_end, write_end = os.pipe()
        parent = os.getpid()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            late = _LateImports()
            try:
                os.close(read_end)
                _become(account, env, umask, parent)
                sys.meta_path.insert(0, late)
                payload = {"value": job(*args)}
            except BaseException:
                payload = {"error": traceback.format_exc()}
            payload["late_imports"] = late.names
            try:
                data = json.dumps(payload).encode()
                while data:
                    data = data[os.write(write_end, data):]
            finally:
                os._exit(0)
        os.close(write_end)
        child = Child(account, pid, read_end)
        self.children.append(child)
        return child

    def run(self, account: Account, *argv: object, env: dict[str, str] | None = None, umask: int = 0o077) -> dict:
        """Run one command as `account` and wait for it: {"code", "out", "err"}."""
        return self.start(account, cli, *argv, env=env, umask=umask).result()

    def close(self) -> None:
        for child in self.children:
            child.stop()


def import_headless_modules() -> None:
    """Every module of the program but the app's (the commands never import Textual)."""
    ui = {"app", "messages", "screens", "widgets", "modals", "__main__"}
    for module in pkgutil.iter_modules(staffing_tui.__path__):
        if module.name in ui:
            continue
        package = importlib.import_module(f"staffing_tui.{module.name}")
        if module.ispkg:
            for inner in pkgutil.iter_modules(package.__path__):
                importlib.import_module(f"{package.__name__}.{inner.name}")
