"""The code in docs/ runs: every ``python`` block of the docs this file owns is either run here
against the shipped fakes over loopback, or explicitly marked as not runnable (and still has its
``magodoo`` imports checked), so the docs cannot drift from the code.

In the Markdown, the line before a code fence says what to do with it:

* ``<!-- example: ENV -->``: run the block (top-level ``await`` allowed) in a namespace that
  ENV fills (see ``ENVIRONMENTS``): ``none``, ``odoo``, ``odoo19``, ``magento``, ``stores``.
* ``<!-- not-run: reason -->``: only check that its ``magodoo`` imports exist.

Blocks of one page share nothing: each runs in a fresh namespace against a fresh fake.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = (
    "index.md",
    "magento-client.md",
    "odoo-client.md",
    "backends.md",
    "testing.md",
    "errors.md",
    "extending.md",
)
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!--\s*(example|not-run):\s*(.*?)\s*-->\s*$")


class Block:
    def __init__(self, page: str, line: int, lang: str, code: str, marker: tuple[str, str] | None):
        self.page = page
        self.line = line
        self.lang = lang
        self.code = code
        self.marker = marker

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}"


def blocks(page: str) -> list[Block]:
    path = DOCS / page
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if match is None:
            i += 1
            continue
        start = i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        marker = None
        k = start - 1
        while k >= 0 and not lines[k].strip():
            k -= 1
        if k >= 0 and (m := MARKER.match(lines[k].strip())):
            marker = (m.group(1), m.group(2))
        out.append(Block(page, start + 1, match.group(1), "\n".join(lines[start + 1:j]), marker))
        i = j + 1
    return out


ALL = [b for page in PAGES for b in blocks(page)]
PYTHON = [b for b in ALL if b.lang == "python"]
RUN = [b for b in PYTHON if b.marker and b.marker[0] == "example"]


# -- environments -------------------------------------------------------------------------------

Env = Callable[[Path], Any]


@asynccontextmanager
async def env_none(_tmp: Path) -> AsyncIterator[dict[str, Any]]:
    yield {}


@asynccontextmanager
async def env_odoo(_tmp: Path, version: str = "18.0") -> AsyncIterator[dict[str, Any]]:
    from magodoo.testing import FakeOdoo, serve

    fake = FakeOdoo(seed="demo", version=version)
    async with serve(fake.app) as url:
        yield {"url": url, "database": fake.database, "login": fake.login,
               "password": fake.password, "api_key": fake.api_key, "fake": fake}


@asynccontextmanager
async def env_odoo19(tmp: Path) -> AsyncIterator[dict[str, Any]]:
    async with env_odoo(tmp, "19.0") as ns:
        yield ns


@asynccontextmanager
async def env_magento(_tmp: Path) -> AsyncIterator[dict[str, Any]]:
    from magodoo.testing import FakeMagento, serve

    fake = FakeMagento(seed="demo")
    i = fake.integration
    async with serve(fake.app) as url:
        yield {"url": url, "fake": fake, "consumer_key": i.consumer_key,
               "consumer_secret": i.consumer_secret, "access_token": i.access_token,
               "access_token_secret": i.access_token_secret,
               "username": fake.admin_username, "password": fake.admin_password}


@asynccontextmanager
async def env_stores(tmp: Path) -> AsyncIterator[dict[str, Any]]:
    yield {"path": str(tmp / "magodoo.sqlite3")}


ENVIRONMENTS: dict[str, Callable[[Path], Any]] = {
    "none": env_none,
    "odoo": env_odoo,
    "odoo19": env_odoo19,
    "magento": env_magento,
    "stores": env_stores,
}


async def run_block(block: Block, ns: dict[str, Any]) -> None:
    code = compile(block.code, f"docs/{block.id}", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    ns.setdefault("__name__", "docs_example")
    result = eval(code, ns)
    if inspect.iscoroutine(result):
        await result


# -- tests --------------------------------------------------------------------------------------


def test_pages_exist() -> None:
    missing = [p for p in PAGES if not (DOCS / p).exists()]
    assert not missing, f"docs pages missing: {missing}"


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
def test_python_block_is_marked(block: Block) -> None:
    assert block.marker is not None, (
        f"docs/{block.id}: put '<!-- example: ENV -->' or '<!-- not-run: reason -->' "
        "on the line before the fence"
    )
    kind, arg = block.marker
    if kind == "example":
        assert arg in ENVIRONMENTS, f"docs/{block.id}: unknown environment {arg!r}"
    else:
        assert arg, f"docs/{block.id}: say why the block is not run"


@pytest.mark.parametrize("block", PYTHON, ids=lambda b: b.id)
def test_python_block_imports_exist(block: Block) -> None:
    tree = ast.parse(block.code)  # also: every block is valid Python
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("magodoo"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(
                    f"{node.module}.{alias.name}"
                ), f"docs/{block.id}: {node.module} has no {alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("magodoo"):
                    importlib.import_module(alias.name)


@pytest.mark.parametrize("block", RUN, ids=lambda b: b.id)
async def test_example_runs(block: Block, tmp_path: Path) -> None:
    assert block.marker is not None
    env = ENVIRONMENTS[block.marker[1]]
    async with env(tmp_path) as ns:
        await run_block(block, dict(ns))


MODULE_RUN = re.compile(r"python -m ([\w.]+)")


@pytest.mark.parametrize(
    "block", [b for b in ALL if b.lang in ("sh", "console", "bash", "shell")], ids=lambda b: b.id
)
def test_shell_modules_exist(block: Block) -> None:
    """``python -m X`` in a shell block names a module that exists."""
    for name in MODULE_RUN.findall(block.code):
        if name in ("pytest", "pip", "venv", "mypy", "ruff"):
            continue
        assert importlib.util.find_spec(name) is not None, f"docs/{block.id}: no module {name}"


_unused: Awaitable[None] | None = None
