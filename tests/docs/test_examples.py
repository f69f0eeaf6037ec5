"""The code in docs/ runs: every ``python`` block of the docs this file owns is either run here
against the shipped fakes over loopback, or explicitly marked as not runnable (and still has its
``magodoo`` imports checked), so the docs cannot drift from the code.

In the Markdown, the line before a code fence says what to do with it:

* ``<!-- example: ENV -->``: run the block (top-level ``await`` allowed) in a namespace that
  ENV fills (see ``ENVIRONMENTS``): ``none``, ``odoo``, ``odoo19``, ``magento``, ``stores``,
  ``engine``.
* ``<!-- not-run: reason -->``: only check that its ``magodoo`` imports exist.

Blocks of one page share nothing: each runs in a fresh namespace against a fresh fake.
"""

from __future__ import annotations

import ast
import enum
import importlib
import importlib.util
import inspect
import linecache
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import attrs
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


@asynccontextmanager
async def env_engine(_tmp: Path) -> AsyncIterator[dict[str, Any]]:
    """Both fakes, and ``settings`` pointing at them with in-memory stores."""
    from magodoo.settings import Settings
    from magodoo.testing import FakeMagento, FakeOdoo, serve

    magento, odoo = FakeMagento(seed="demo"), FakeOdoo(seed="demo")
    i = magento.integration
    async with serve(magento.app) as magento_url, serve(odoo.app) as odoo_url:
        settings = Settings.from_mapping(
            {
                "magento": {"url": magento_url, "auth": "integration"},
                "odoo": {"url": odoo_url, "database": odoo.database, "username": odoo.login},
                "stores": {"kind": "memory"},
            },
            env={
                "MAGODOO_MAGENTO_CONSUMER_KEY": i.consumer_key,
                "MAGODOO_MAGENTO_CONSUMER_SECRET": i.consumer_secret,
                "MAGODOO_MAGENTO_ACCESS_TOKEN": i.access_token,
                "MAGODOO_MAGENTO_ACCESS_TOKEN_SECRET": i.access_token_secret,
                "MAGODOO_ODOO_API_KEY": odoo.api_key,
            },
        )
        yield {"settings": settings, "fake_magento": magento, "fake_odoo": odoo}


ENVIRONMENTS: dict[str, Callable[[Path], Any]] = {
    "engine": env_engine,
    "none": env_none,
    "odoo": env_odoo,
    "odoo19": env_odoo19,
    "magento": env_magento,
    "stores": env_stores,
}


async def run_block(block: Block, ns: dict[str, Any]) -> None:
    # pad so that line numbers in tracebacks are the Markdown file's
    source = "\n" * block.line + block.code + "\n"
    filename = str(DOCS / block.page)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    code = compile(source, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
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


LINK = re.compile(r"\]\(([^)#\s]+\.md)(#[^)\s]*)?\)")


def _anchors(page: Path) -> set[str]:
    """GitHub-style anchors of a page's headings."""
    out = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            title = re.sub(r"[^\w\- ]", "", title)
            out.add(title.replace(" ", "-"))
    return out


@pytest.mark.parametrize("page", [p for p in PAGES if (DOCS / p).exists()])
def test_links_resolve(page: str) -> None:
    """Links to other pages point at pages that exist, and at headings that exist."""
    text = (DOCS / page).read_text(encoding="utf-8")
    for target, anchor in LINK.findall(text):
        path = (DOCS / page).parent / target
        assert path.exists(), f"docs/{page}: link to missing {target}"
        if anchor:
            assert anchor[1:] in _anchors(path), f"docs/{page}: no heading {target}{anchor}"
    for anchor in re.findall(r"\]\(#([^)\s]+)\)", text):
        assert anchor in _anchors(DOCS / page), f"docs/{page}: no heading #{anchor}"

NAMES = re.compile(r"^<!--\s*names:\s*([\w.]+)\s*-->\s*$")
IDENT = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)`")


def name_lists() -> list[tuple[str, int, str, list[str]]]:
    """``<!-- names: module.Object -->`` before a table or paragraph: every plain identifier
    in backticks there must be an attribute of that object."""
    out = []
    for page in PAGES:
        path = DOCS / page
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            match = NAMES.match(line.strip())
            if match is None:
                continue
            names: list[str] = []
            for follow in lines[i + 1:]:
                if not follow.strip():
                    break
                names += IDENT.findall(follow)
            out.append((page, i + 1, match.group(1), names))
    return out


@pytest.mark.parametrize("entry", name_lists(), ids=lambda e: f"{e[0]}:{e[1]}")
def test_listed_names_exist(entry: tuple[str, int, str, list[str]]) -> None:
    page, line, target, names = entry
    module_name, _, attr = target.rpartition(".")
    try:
        obj: Any = importlib.import_module(target)
    except ImportError:
        obj = getattr(importlib.import_module(module_name), attr)
    assert names, f"docs/{page}:{line}: no names listed"
    missing = [n for n in names if not hasattr(obj, n)]
    assert not missing, f"docs/{page}:{line}: {target} has no {missing}"

SIGNATURES = re.compile(r"^<!--\s*signatures:\s*([\w.]+)\s*-->\s*$")
CALL = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*)\(([^`]*)\)`")


def signature_lists() -> list[tuple[str, int, str, list[tuple[str, str]]]]:
    """``<!-- signatures: module.Object -->`` before a table or paragraph: every
    ``name(params)`` in backticks there is checked against the real signature."""
    out = []
    for page in PAGES:
        path = DOCS / page
        if not path.exists():
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            match = SIGNATURES.match(line.strip())
            if match is None:
                continue
            block: list[str] = []
            for follow in lines[i + 1:]:
                if not follow.strip():
                    break
                block.append(follow.strip())
            out.append((page, i + 1, match.group(1), CALL.findall(" ".join(block))))
    return out


def _split_params(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def _shown_default(value: Any) -> str:
    if value is attrs.NOTHING:  # an attrs factory
        return "NOTHING"
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if callable(value) and hasattr(value, "__name__"):
        return str(value.__name__)
    return repr(value).replace("'", '"')


def _real_params(func: Any) -> list[tuple[str, str | None]]:
    """(shown name, default or None) per parameter, ``*`` marking keyword-only."""
    sig = inspect.signature(func)
    out: list[tuple[str, str | None]] = []
    star = False
    for p in sig.parameters.values():
        if p.name == "self" or p.name.startswith("_"):
            continue
        if p.kind is p.VAR_POSITIONAL:
            out.append((f"*{p.name}", None))
            star = True
            continue
        if p.kind is p.VAR_KEYWORD:
            out.append((f"**{p.name}", None))
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            out.append(("*", None))
            star = True
        out.append((p.name, None if p.default is p.empty else _shown_default(p.default)))
    return out


@pytest.mark.parametrize("entry", signature_lists(), ids=lambda e: f"{e[0]}:{e[1]}")
def test_signatures_match(entry: tuple[str, int, str, list[tuple[str, str]]]) -> None:
    """Every documented parameter exists, in the code's order and kind (``*``), with the
    code's default. Parameters may be left out; ``name(...)`` is not compared; a documented
    default ``...`` or a factory default in the code is not compared."""
    page, line, target, calls = entry
    module_name, _, attr = target.rpartition(".")
    try:
        obj: Any = importlib.import_module(target)
    except ImportError:
        obj = getattr(importlib.import_module(module_name), attr)
    calls = [(n, p) for n, p in calls if p.strip() not in ("", "...")]
    assert calls, f"docs/{page}:{line}: no signatures listed"
    for name, params in calls:
        func = obj if name == getattr(obj, "__name__", None) else getattr(obj, name)
        real = _real_params(func)
        names = [k for k, _ in real]
        where = f"docs/{page}:{line}: {name}({params})"
        position = -1
        for part in _split_params(params):
            key, eq, default = (x.strip() for x in part.partition("="))
            if key == "...":
                continue
            assert key in names, f"{where}: no parameter {key!r}; real {real}"
            assert names.index(key) > position, f"{where}: {key!r} out of order; real {real}"
            position = names.index(key)
            real_default = real[position][1]
            if eq and default != "..." and real_default != "NOTHING":
                assert default == real_default, f"{where}: {key}={real_default} in the code"
            if not eq:
                assert real_default is None or real_default == "NOTHING" or key == "*", (
                    f"{where}: {key} has a default ({real_default}) in the code")
