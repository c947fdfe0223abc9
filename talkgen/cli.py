"""Command line: argparse, printing and exit codes. Glue only; the work is in build/scaffold."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from . import __version__
from .diagnostics import (
    Diagnostic,
    folded,
    folded_notes,
    format_github,
    format_json,
    format_text,
    plural,
    sort_diagnostics,
    summary,
)

if TYPE_CHECKING:
    from .content.config import SiteConfig

# Each command imports what it uses, so `talkgen --help` starts without YAML, Markdown,
# Jinja, HTTP or asyncio (≤ 0.1 s).

OK, CONTENT_ERROR, USAGE_ERROR = 0, 1, 2


class _Choices(Sequence[str]):
    """Choices read from their module only when argparse checks or shows them."""

    def __init__(self, load: Callable[[], Sequence[str]]) -> None:
        self._load = load

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._load()[index]

    def __len__(self) -> int:
        return len(self._load())

    def __iter__(self) -> Iterator[str]:
        return iter(self._load())

    def __contains__(self, item: object) -> bool:
        return item in self._load()


def _languages() -> Sequence[str]:
    from .scaffold.site import LANGUAGES

    return LANGUAGES


def _schemas() -> Sequence[str]:
    from .content.json_schema import FILES

    return tuple(FILES)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(USAGE_ERROR, f"{self.prog}: error: {message}\n")


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="talkgen", description="Build a site from community talk notes.")
    parser.add_argument("--version", action="version", version=f"talkgen {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--root", type=Path, default=Path("."),
                         help="site folder (default: the current folder)")
        return sub

    b = command("build", "validate the episodes, then write the site")
    b.add_argument("--drafts", action="store_true", help="include episodes marked draft")
    b.add_argument("--out", type=Path, help="output folder (default: _site)")
    b.add_argument("--base-url", help="URL the site is published at, e.g. https://x.github.io/t/")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--no-search", action="store_true", help="skip the search index (Pagefind)")
    b.add_argument("--allow-empty", action="store_true",
                   help="build even when there are no episodes (otherwise an error)")
    b.set_defaults(run=run_build)

    c = command("check", "validate the episodes without writing anything")
    c.add_argument("files", nargs="*", type=Path, help="check only these episode files")
    c.add_argument("--format", choices=("text", "json", "github"), default="text")
    c.add_argument("--strict", action="store_true", help="treat warnings as errors")
    c.add_argument("--allow-empty", action="store_true",
                   help="no episodes is not an error")
    c.set_defaults(run=run_check)

    n = command("new", "create the next episode file with every section heading")
    n.add_argument("number", nargs="?", type=_number, help="episode number (default: next free)")
    n.add_argument("--date", type=_date, help="meeting date, YYYY-MM-DD (default: today)")
    n.add_argument("--host", help="who hosts the episode")
    n.add_argument("--title", help="episode title")
    n.set_defaults(run=run_new)

    v = command("serve", "build into memory, serve, rebuild on every change, reload the browser")
    v.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    v.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    v.add_argument("--drafts", action="store_true", help="include episodes marked draft")
    v.add_argument("--open", action="store_true", help="open the site in a web browser")
    v.add_argument("--no-search", action="store_true",
                   help="no search index and no search box (Pagefind's CPU stays free)")
    v.set_defaults(run=run_serve)

    i = command("import", "convert legacy notes (.md, .docx, .pdf) into episode files "
                "(never overwrites)")
    i.add_argument("files", nargs="+", type=Path, metavar="FILE",
                   help="notes to convert: Markdown, Word (.docx) or PDF")
    i.add_argument("--number", type=_number, help="episode number (one FILE only)")
    i.add_argument("--force-number", action="store_true",
                   help="use --number even when the notes name another number")
    i.add_argument("--host", help="host for notes that name none (a warning says where)")
    i.add_argument("--date", type=_date, help="date YYYY-MM-DD for notes that give none")
    i.add_argument("--dry-run", action="store_true",
                   help="write nothing; print the episode (one FILE) or a table (several)")
    i.set_defaults(run=run_import)

    s = commands.add_parser("init", help="start a new site: config, first episode, Pages workflow",
                            description="Start a new site in DIR: talkgen.yaml, episodes/001.md, "
                            ".gitignore, a GitHub Pages workflow and editor schemas. Writes "
                            "nothing if any of those files exists.")
    s.add_argument("dir", nargs="?", type=Path, default=Path("."), metavar="DIR",
                   help="folder of the new site (default: the current folder)")
    s.add_argument("--title", help="site title (default: from the folder name)")
    s.add_argument("--language", choices=_Choices(_languages), default="zh-CN", metavar="LANGUAGE",
                   help="language of the pages and the section headings: %(choices)s "
                   "(default: zh-CN)")
    s.add_argument("--with-theme", action="store_true",
                   help="copy the built-in templates/ and static/ to customise them")
    s.set_defaults(run=run_init)

    j = commands.add_parser("schema", help="print a JSON Schema for editors",
                            description="Print the JSON Schema of an episode's front matter or "
                            "of talkgen.yaml, generated from the rules `talkgen check` applies.")
    j.add_argument("which", choices=_Choices(_schemas), metavar="{episode,config}",
                   help="episode or config")
    j.set_defaults(run=run_schema)
    return parser


def _number(text: str) -> int:
    if not text.isdigit() or int(text) > 999_999:
        raise argparse.ArgumentTypeError(f"'{text}' is not an episode number")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2023-06-24") from None


def _config(args: argparse.Namespace) -> tuple[SiteConfig, list[Diagnostic]]:
    from .content.config import load_config

    root: Path = args.root
    if not root.is_dir():
        raise SystemExit(_usage(f"site folder {root} does not exist"))
    return load_config(root)


def _usage(message: str) -> int:
    print(f"talkgen: error: {message}", file=sys.stderr)
    return USAGE_ERROR


def print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO) -> None:
    colour = stream.isatty()
    for d in diagnostics:
        print(format_text(d, colour=colour), file=stream)
        print(file=stream)


def run_check(args: argparse.Namespace) -> int:
    from .build.check import check
    from .content.config import CONFIG_FILE

    config, problems = _config(args)
    missing = [str(p) for p in args.files if not p.is_file()]
    if missing:
        return _usage(f"no such file: {', '.join(missing)}")
    only = [p.resolve() for p in args.files] or None
    if only and config.root / CONFIG_FILE in only:
        only = None  # a changed talkgen.yaml can change what every episode means
    # a broken talkgen.yaml may be why no episodes are found: report only the cause
    result = check(config, only, allow_empty=args.allow_empty or any(d.is_error for d in problems))
    diagnostics = sort_diagnostics([*problems, *result.diagnostics])
    if args.format == "json":
        print(format_json(diagnostics))
    elif args.format == "github":
        for d in diagnostics:
            print(format_github(d))
    else:
        print_diagnostics(diagnostics, sys.stderr)
    print(summary(diagnostics, len(only) if only else result.files), file=sys.stderr)
    failed = any(d.is_error or args.strict for d in diagnostics)
    return CONTENT_ERROR if failed else OK


def run_build(args: argparse.Namespace) -> int:
    from .build.publish import build
    from .content.config import is_base_url

    if args.base_url is not None and not is_base_url(args.base_url):
        return _usage(f'--base-url must be an http(s) URL or a path, not "{args.base_url}"')
    config, problems = _config(args)
    out = args.out if args.out is None or args.out.is_absolute() else Path.cwd() / args.out
    if out is not None and not args.out.is_absolute() \
            and not Path(os.path.abspath(out)).is_relative_to(config.root):
        return _usage(f"--out {args.out} is outside the site folder; give it as an absolute path")
    config = config.with_overrides(output=out, base_url=args.base_url, drafts=args.drafts,
                                   search=False if args.no_search else None)
    if any(d.is_error for d in problems):
        print_diagnostics(problems, sys.stderr)
        print("build failed: talkgen.yaml has errors; nothing was written", file=sys.stderr)
        return CONTENT_ERROR
    result = build(config, strict=args.strict, allow_empty=args.allow_empty)
    diagnostics = sort_diagnostics([*problems, *result.diagnostics])
    print_diagnostics(folded(diagnostics), sys.stderr)
    for line in folded_notes(diagnostics):
        print(line, file=sys.stderr)
    if not result.ok:
        print(f"build failed: {summary(diagnostics, result.check.files)}; "
              f"{_shown(config.output)} was not changed", file=sys.stderr)
        return CONTENT_ERROR
    assert result.site is not None
    site = result.site
    print(f"built {plural(len(site.episodes), 'episode')}, {plural(len(site.topics), 'topic')}, "
          f"{plural(result.pages, 'page')} in {result.seconds:.2f} s → {_shown(config.output)}/ "
          f"({_bytes(result.output_bytes)} from {_bytes(result.input_bytes)} of episodes)",
          file=sys.stderr)
    return OK


def _bytes(n: int) -> str:
    """A size as people read it: 940 B, 12.3 KB, 4.1 MB."""
    for unit, scale in (("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


def run_new(args: argparse.Namespace) -> int:
    from .scaffold.episode import new_episode

    config, _ = _config(args)
    made = new_episode(config, args.number, args.date, args.host, args.title)
    print(made.message, file=sys.stderr)
    return OK if made.path else CONTENT_ERROR


def run_init(args: argparse.Namespace) -> int:
    from .scaffold.site import init_site

    made = init_site(args.dir, args.title, args.language, args.with_theme)
    if made.error:
        print(f"talkgen: error: {_shown(made.root)}: {made.error}", file=sys.stderr)
        return CONTENT_ERROR
    if not made.ok:
        print(f"talkgen: error: {_shown(made.root)} already has {', '.join(made.existing)}; "
              "nothing was written", file=sys.stderr)
        return CONTENT_ERROR  # like `new` when the episode exists
    for name in made.written:
        print(f"created {_shown(made.root / name)}", file=sys.stderr)
    where = "" if made.root.resolve() == Path.cwd().resolve() else f"cd {_shown(made.root)} && "
    print(f"next: {where}talkgen check && talkgen build; to publish, push it to GitHub and set "
          "Settings → Pages → Source to GitHub Actions", file=sys.stderr)
    return OK


def run_schema(args: argparse.Namespace) -> int:
    from .content.json_schema import schema_text

    sys.stdout.write(schema_text(args.which))
    return OK


def run_import(args: argparse.Namespace) -> int:
    if args.force_number and args.number is None:
        return _usage("--force-number needs --number")
    if args.number is not None and len(args.files) > 1:
        return _usage("--number works with one FILE only")
    from .importer import Options, import_notes  # only `import` pays for the importer
    from .importer.table import dry_run_table

    config, _ = _config(args)
    options = Options(args.number, args.force_number, args.host, args.date)
    result = import_notes(config, args.files, options, not args.dry_run)
    print_diagnostics(sort_diagnostics(result.diagnostics), sys.stderr)
    if args.dry_run and len(result.converted) > 1:
        sys.stdout.write(dry_run_table(result.converted))
    elif args.dry_run and result.ok:
        for item in result.converted:
            print(item.text, end="")
    print(f"{result.message}; {summary(result.diagnostics, len(result.converted))}",
          file=sys.stderr)
    return OK if result.ok else CONTENT_ERROR



def run_serve(args: argparse.Namespace) -> int:
    """Ctrl-C is the normal way to stop, so it exits 0 quietly, even during the first build."""
    import threading
    import webbrowser

    from .preview.builder import Preview
    from .preview.server import LOCAL_HOSTS, PreviewServer, ServeError

    config, _ = _config(args)
    log = print_line
    try:
        preview = Preview(config.root, drafts=args.drafts, search=False if args.no_search else None)
        server = PreviewServer(preview, args.host, args.port, log=log,
                               colour=sys.stderr.isatty(), search=not args.no_search)
    except ServeError as err:
        return _usage(str(err))
    if args.host not in LOCAL_HOSTS:
        log(f"warning: serving on {args.host}: anyone who can reach this machine can read the preview")
    log(f"serving {_shown(config.root)} at {server.url} (Ctrl-C to stop)")
    if args.open:
        threading.Thread(target=lambda: server.ready.wait(600) and webbrowser.open(server.url),
                         daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    return OK


def print_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    return code


def run(argv: Sequence[str] | None = None) -> int:
    """The `talkgen` command (and `python -m talkgen`): main(), for a process that ends next."""
    code = main(argv)
    # The interpreter's last collections would walk, and free one by one, every object the
    # command loaded (≈ 20 ms after a small build); frozen, they are left to the OS, which
    # frees the whole process at once. Not in main(): tests call it in a long-lived process.
    gc.freeze()
    return code
