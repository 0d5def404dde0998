"""A throwaway ``sshd`` on 127.0.0.1 for the SSH end-to-end tests and the SSH latency bench.

Everything lives in one temporary directory: a fresh host key, a fresh user key, an
``authorized_keys`` holding only that key, a ``known_hosts`` holding only that host key, and
the server's own config file. The system's sshd and its config are not touched, and no
password is ever involved.

It runs as whoever runs the tests. As a normal user sshd can only log that same user in,
which is all a test needs. As root it needs the privilege separation directory
(``/run/sshd``) that the distribution's service normally creates at boot; it is created
here when missing, the only thing outside the temporary directory.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

HOST_ALIAS = "pylon-tui-test-sshd"  # the name the host key is pinned under, whatever the port
PRIVSEP_DIR = Path("/run/sshd")
START_TIMEOUT = 15.0


class SshdUnavailable(RuntimeError):
    """sshd, ssh or ssh-keygen is not installed (scripts/test.sh installs openssh-server)."""


def find_tools() -> tuple[str, str, str]:
    """(sshd, ssh, ssh-keygen) as absolute paths: sshd re-executes itself by its path."""
    found: list[str] = []
    for name in ("sshd", "ssh", "ssh-keygen"):
        path = shutil.which(name) or next(
            (str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name) if p.exists()),
            None,
        )
        if path is None:
            raise SshdUnavailable(
                f"{name} is not installed: install openssh-server "
                "(scripts/test.sh does it when missing)"
            )
        found.append(path)
    return found[0], found[1], found[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Sshd:
    """One running sshd; ``ssh_argv`` builds a client command line that trusts only it."""

    root: Path
    sshd_bin: str
    ssh_bin: str
    keygen_bin: str
    port: int = 0
    user: str = field(default_factory=lambda: pwd.getpwuid(os.getuid()).pw_name)
    process: subprocess.Popen[bytes] | None = None

    @property
    def client_key(self) -> Path:
        return self.root / "client_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.root / "known_hosts"

    @property
    def log_file(self) -> Path:
        return self.root / "sshd.log"

    def start(self) -> Sshd:
        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o700)
        host_key = self.root / "host_ed25519"
        for key in (host_key, self.client_key):
            subprocess.run(
                [self.keygen_bin, "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", str(key)],
                check=True,
                capture_output=True,
                timeout=30,
            )
        authorized = self.root / "authorized_keys"
        authorized.write_text(Path(f"{self.client_key}.pub").read_text())
        authorized.chmod(0o600)
        host_public = Path(f"{host_key}.pub").read_text().split()
        self.known_hosts.write_text(f"{HOST_ALIAS} {host_public[0]} {host_public[1]}\n")
        if os.geteuid() == 0 and not PRIVSEP_DIR.is_dir():
            PRIVSEP_DIR.mkdir(mode=0o755, parents=True, exist_ok=True)
        for _attempt in range(5):  # a free port can be taken between probe and bind
            self.port = free_port()
            config = self.root / "sshd_config"
            config.write_text(self._config(host_key, authorized))
            log = self.log_file.open("ab")
            self.process = subprocess.Popen(
                [self.sshd_bin, "-D", "-e", "-f", str(config)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
            log.close()
            if self._wait_listening():
                return self
            self.stop()
        raise RuntimeError(f"sshd did not start; its log:\n{self.log()}")

    def _config(self, host_key: Path, authorized: Path) -> str:
        return "\n".join(
            [
                "ListenAddress 127.0.0.1",
                f"Port {self.port}",
                f"HostKey {host_key}",
                f"AuthorizedKeysFile {authorized}",
                f"AllowUsers {self.user}",
                f"PidFile {self.root / 'sshd.pid'}",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PermitRootLogin prohibit-password",
                # The key files live under /tmp, which is world-writable: StrictModes would
                # refuse them. The directory itself is 0700 and ours.
                "StrictModes no",
                "UsePAM no",
                "PrintMotd no",
                "PrintLastLog no",
                "X11Forwarding no",
                "AllowTcpForwarding no",
                "AllowAgentForwarding no",
                "PermitUserEnvironment no",
                "LogLevel ERROR",
                "",
            ]
        )

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as probe:
                    if probe.recv(64).startswith(b"SSH-"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def ssh_argv(self, remote_command: str, *, port: int | None = None) -> list[str]:
        """``ssh -t`` to this sshd (or to a relay in front of it, on ``port``) running
        ``remote_command``; no user config, agent, password or host-key prompt can interfere."""
        return [
            self.ssh_bin,
            "-t",
            "-F", "/dev/null",
            "-p", str(port or self.port),
            "-i", str(self.client_key),
            "-o", "IdentitiesOnly=yes",
            "-o", "IdentityAgent=none",
            "-o", "BatchMode=yes",
            "-o", f"HostKeyAlias={HOST_ALIAS}",
            "-o", f"UserKnownHostsFile={self.known_hosts}",
            "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "UpdateHostKeys=no",
            "-o", "ControlMaster=no",
            "-o", "ControlPath=none",
            "-o", "ConnectTimeout=15",
            "-o", "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
            remote_command,
        ]  # fmt: skip

    def check_login(self) -> None:
        """One login without a terminal: fails loudly (with sshd's log) if keys or config
        are wrong, so a test failing later is about pylon-tui, not the harness."""
        argv = [a for a in self.ssh_argv("echo pylon-tui-sshd-ok") if a != "-t"]
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
        if "pylon-tui-sshd-ok" not in proc.stdout:
            raise RuntimeError(
                f"ssh to the test sshd failed (exit {proc.returncode}): {proc.stderr.strip()}\n"
                f"sshd log:\n{self.log()}"
            )

    def terminal_refusal(self) -> str | None:
        """Why sshd cannot give a login a terminal here, or None when it can.

        As a normal user, sshd must hand the new terminal to the tty group; where /dev/pts
        is mounted without ``gid=5`` (some containers) only root may do that, and every
        ``ssh -t`` is hung up at once. That is the system, not pylon-tui: say so plainly."""
        argv = self.ssh_argv("true")
        argv[argv.index("-t")] = "-tt"  # a terminal even though our stdin is not one
        proc = subprocess.run(
            argv, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, check=False
        )
        if proc.returncode == 0:
            return None
        log = self.log()
        if "chown(/dev/pts" in log and os.geteuid() != 0:
            return (
                f"sshd running as {self.user} cannot hand out a terminal: /dev/pts is mounted "
                "without gid=5 (the tty group) on this system, so only a root sshd can; run "
                "the SSH tests as root or on a host with the usual devpts mount"
            )
        raise RuntimeError(f"ssh -t to the test sshd failed (exit {proc.returncode})\n{log}")

    def log(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-3000:]
        except FileNotFoundError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


def start_sshd(root: Path) -> Sshd:
    sshd_bin, ssh_bin, keygen_bin = find_tools()
    return Sshd(root, sshd_bin, ssh_bin, keygen_bin).start()


def remote_command(
    program: Sequence[str], env: dict[str, str], *, cwd: Path, pid_file: Path | None = None
) -> str:
    """The shell line sshd runs: ``program`` with exactly ``env`` added, started in ``cwd``.

    sshd passes the login's own environment (and the client's TERM); tokens the remote
    account's shell start-up might export are removed so the run stays on the sandbox.
    ``pid_file`` receives the program's pid (the shell ``exec``s it, so the pid is the app's).
    """
    assignments = [f"{key}={value}" for key, value in env.items()]
    unset = ["-u", "PYLON_API_TOKEN", "-u", "LINEAR_API_KEY", "-u", "GITHUB_TOKEN"]
    unset += ["-u", "GH_TOKEN", "-u", "PYLON_TUI_CONFIG"]
    line = f"cd {shlex.quote(str(cwd))} && "
    if pid_file is not None:
        line += f"echo $$ > {shlex.quote(str(pid_file))} && "
    return line + "exec " + shlex.join(["env", *unset, *assignments, *program])
