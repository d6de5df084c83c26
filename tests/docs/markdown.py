"""Reading the documentation's markdown: fenced blocks, the shell commands in them, inline code.

Pure text processing, no execution: ``tests/docs/convention.py`` says how a command is run,
``tests/docs/workspace.py`` runs it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pages(root: Path = ROOT) -> list[Path]:
    """The pages whose commands are tests: README.md, CONTRIBUTING.md and every docs/*.md (new
    pages are picked up as they are added)."""
    return [root / "README.md", root / "CONTRIBUTING.md", *sorted((root / "docs").glob("*.md"))]


#: Fence languages whose lines are shell commands.
SHELL = {"sh", "bash", "shell", "console", "shell-session", "zsh"}
#: Fence languages that show a command's output (the block after the command's block).
OUTPUT = {"text", "output"}
PROMPT = "$ "
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
EXIT_CODE = re.compile(r"\bexit code (\d+)\b")
#: Text before a block that says its numbers are an example ("e.g."): they may differ.
LOOSE = re.compile(r"\be\.g\.|\bfor example\b", re.I)


@dataclass(frozen=True)
class Block:
    """A fenced block: its page, the line of its opening fence (1-based), language, lines, and the
    paragraph just above it (``lead``)."""

    path: str
    fence_line: int
    lang: str
    lines: tuple[str, ...]
    lead: str
    gap: int  # paragraphs of text between the previous block and this one


@dataclass(frozen=True)
class Command:
    """One documented command, as a reader would paste it."""

    path: str  # the page, relative to the repository root
    line: int  # 1-based line of its first line
    text: str  # continuation lines joined, the trailing comment removed
    comment: str = ""  # the trailing ``# ...`` comment, if any
    expected: tuple[str, ...] = ()  # output lines the page shows for it
    loose_numbers: bool = False  # the page says "e.g.": numbers in the shown output may differ
    lang: str = "sh"  # "sh" for shell, "python" for a script block
    inline: bool = False  # inline code in a paragraph (several may share a line)

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}" + (":" + "-".join(self.text.split()[:2]) if self.inline else "")

    @property
    def exit_code(self) -> int:
        """0, or the code a trailing comment names as ``exit code N`` (an example of an error)."""
        m = EXIT_CODE.search(self.comment)
        return int(m.group(1)) if m else 0


def _paragraphs(lines: list[str]) -> list[str]:
    out, para = [], []
    for line in [*lines, ""]:
        if line.strip():
            para.append(line.strip())
        elif para:
            out, para = [*out, " ".join(para)], []
    return out


def blocks(path: Path, root: Path = ROOT) -> list[Block]:
    rel = path.relative_to(root).as_posix()
    out: list[Block] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i, text = 0, []  # text: the lines since the previous block
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            text.append(lines[i])
            i += 1
            continue
        fence, start, body = m.group(2), i, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        paras = _paragraphs(text)
        out.append(Block(rel, start + 1, m.group(3).lower(), tuple(body), paras[-1] if paras else "", len(paras)))
        i, text = i + 1, []
    return out


def unquoted(text: str) -> Iterator[int]:
    """The positions of a shell line's characters outside quotes (a backslash, outside single
    quotes, escapes the character after it; quote characters themselves are left out)."""
    quote, k = None, 0
    while k < len(text):
        ch = text[k]
        if ch == "\\" and quote != "'":
            k += 2
            continue
        if quote:
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        else:
            yield k
        k += 1


def split_comment(line: str) -> tuple[str, str]:
    """``(command, comment)``: a ``#`` that starts a word outside quotes starts the comment."""
    for k in unquoted(line):
        if line[k] == "#" and (k == 0 or line[k - 1].isspace()):
            return line[:k].rstrip(), line[k + 1 :].strip()
    return line.rstrip(), ""


def _join(parts: list[str]) -> str:
    """Lines continued with a trailing ``\\`` as one line."""
    return " ".join(p.rstrip().removesuffix("\\").strip() for p in parts)


def commands_in(block: Block, following: Block | None = None) -> list[Command]:
    """The commands of a block: every line of a shell block, or the ``$ `` lines of any block
    (then the lines up to the next ``$ `` are its output). A ``text`` block right after
    (at most one paragraph between) shows the output of the block's last command."""
    numbered = [(block.fence_line + 1 + k, line) for k, line in enumerate(block.lines)]
    prompted = any(line.lstrip().startswith(PROMPT) for _, line in numbered)
    if not prompted and block.lang not in SHELL:
        return []
    entries: list[tuple[int, list[str], list[str]]] = []  # (first line, command lines, output lines)
    for n, line in numbered:
        stripped = line.strip()
        continued = bool(entries) and not entries[-1][2] and entries[-1][1][-1].endswith("\\")
        if prompted and (stripped + " ").startswith(PROMPT):
            entries.append((n, [stripped[len(PROMPT) :]], []))
        elif continued:
            entries[-1][1].append(stripped.removeprefix("> "))
        elif prompted:
            if entries:
                entries[-1][2].append(line)
        elif stripped and not stripped.startswith("#"):
            entries.append((n, [stripped], []))
    found = [(n, _join(parts), shown) for n, parts, shown in entries]
    loose = bool(LOOSE.search(block.lead))
    out = []
    for k, (n, text, shown) in enumerate(found):
        command, comment = split_comment(text.strip())
        expected = [s.strip() for s in shown if s.strip()]
        if k == len(found) - 1 and following is not None and following.lang in OUTPUT and following.gap <= 1:
            expected += [s.strip() for s in following.lines if s.strip()]
            loose = loose or bool(LOOSE.search(following.lead))
        out.append(Command(block.path, n, command, comment, tuple(expected), loose))
    return out


def shell_commands(root: Path = ROOT) -> list[Command]:
    """Every documented shell command of every page, in page order."""
    out: list[Command] = []
    for page in pages(root):
        bs = blocks(page, root)
        for k, b in enumerate(bs):
            out += commands_in(b, bs[k + 1] if k + 1 < len(bs) else None)
    return out


def python_scripts(root: Path = ROOT, where: list[Path] | None = None) -> list[Command]:
    """Every ``python`` block without ``>>>`` prompts (a script), with the output a ``text``
    block right after it shows."""
    out: list[Command] = []
    for page in where if where is not None else pages(root):
        bs = blocks(page, root)
        for k, b in enumerate(bs):
            if b.lang != "python" or any(line.lstrip().startswith(">>>") for line in b.lines):
                continue
            nxt = bs[k + 1] if k + 1 < len(bs) else None
            shown: tuple[str, ...] = ()
            loose = bool(LOOSE.search(b.lead))
            if nxt is not None and nxt.lang in OUTPUT and nxt.gap <= 1:
                shown = tuple(s.strip() for s in nxt.lines if s.strip())
                loose = loose or bool(LOOSE.search(nxt.lead))
            code = "\n".join(b.lines) + "\n"
            out.append(Command(b.path, b.fence_line + 1, code, "", shown, loose, lang="python"))
    return out


INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")


def inline_code(root: Path = ROOT) -> list[tuple[str, int, str]]:
    """``(page, line, text)`` of every inline code span outside fenced blocks."""
    out = []
    for page in pages(root):
        rel = page.relative_to(root).as_posix()
        fenced = False
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            if FENCE.match(line):
                fenced = not fenced
                continue
            if not fenced:
                out += [(rel, n, m.group(1)) for m in INLINE.finditer(line)]
    return out
