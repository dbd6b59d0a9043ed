"""The Simplified Chinese catalogue is complete, compiled, and what the pages actually show.

The .po is read with a small parser rather than polib so that the test extras stay as they are.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests import factories

LC_MESSAGES = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

# %(name)s, %(size).1f, %s, %d: a translation that loses or renames one breaks at run time.
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfir]|%[sd]")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), body
    return re.sub(
        r"\\(.)",
        lambda m: {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(m[1], "\\" + m[1]),
        body[1:-1],
    )


def parse_po(path: Path) -> list[Entry]:
    """Entries of a gettext catalogue, the header (empty msgid) excluded."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None

    def finish() -> None:
        if current is not None and current.msgid:
            entries.append(current)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if current is not None and (current.msgid or current.msgstr):
                finish()
                current = None
            current = current or Entry()
            current.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        if line.startswith("#"):  # locations, comments, and obsolete "#~" entries
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            assert current is not None and target is not None, raw
            name, index = target
            if name == "msgstr":
                current.msgstr[index] += _unquote(line)
            else:
                setattr(current, name, (getattr(current, name) or "") + _unquote(line))
            continue
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()
            current = None
        current = current or Entry()
        if keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if "[" in keyword else 0
            current.msgstr[index] = _unquote(rest)
            target = ("msgstr", index)
        else:
            setattr(current, keyword, _unquote(rest))
            target = (keyword, 0)
    finish()
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    entries = parse_po(PO_FILE)
    assert len(entries) > 500, "the catalogue looks truncated"
    return entries


def test_every_entry_is_translated_and_none_is_fuzzy(catalogue):
    untranslated = [e.msgid for e in catalogue if not e.is_translated]
    fuzzy = [e.msgid for e in catalogue if "fuzzy" in e.flags]
    assert not untranslated, f"untranslated entries: {untranslated}"
    assert not fuzzy, f"fuzzy entries: {fuzzy}"


def test_header_declares_chinese_single_plural_form():
    header = PO_FILE.read_text(encoding="utf-8").split("\n\n", 1)[0]
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert "Language: zh_Hans" in header
    assert "#, fuzzy" not in header


def test_translations_keep_the_placeholders(catalogue):
    wrong = []
    for entry in catalogue:
        sources = {entry.msgid} | ({entry.msgid_plural} if entry.msgid_plural else set())
        expected = [sorted(PLACEHOLDER.findall(source)) for source in sources]
        for text in entry.msgstr.values():
            if sorted(PLACEHOLDER.findall(text)) not in expected:
                wrong.append((entry.msgid, text))
    assert not wrong


def test_translations_are_chinese(catalogue):
    """A msgstr copied from the msgid would count as translated but show English."""
    han = re.compile(r"[\u4e00-\u9fff]")
    # The language's own name in the language chooser is written the same in both.
    same_in_both = {"English"}

    def has_words(text: str) -> bool:
        return re.search(r"[A-Za-z]", PLACEHOLDER.sub("", text)) is not None

    english = [
        e.msgid
        for e in catalogue
        if e.msgid not in same_in_both
        and has_words(e.msgid)
        and not any(han.search(s) for s in e.msgstr.values())
    ]
    assert not english


def test_compiled_catalogue_matches_the_po(catalogue):
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    messages = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in catalogue:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if messages.get((key, 0) if entry.msgid_plural else key) != entry.msgstr[0]:
            stale.append(entry.msgid)
    assert not stale, f"django.mo is out of date (run `make messages`): {stale[:10]}"
    compiled_ids = {k[0] if isinstance(k, tuple) else k for k in messages}
    compiled_ids.discard("")
    assert len(compiled_ids) == len(catalogue), "django.mo has entries the .po no longer has"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
def test_po_compiles_cleanly_with_msgfmt(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_login_page_is_in_chinese(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="zh-hans"' in html
    for chinese in ("登录科技桥", "用户名", "密码", "科技桥"):
        assert chinese in html
    for english in ("Log in to TechBridge", "User name", "Password", ">Log in<"):
        assert english not in html


@pytest.mark.django_db
def test_demand_list_is_in_chinese(client, users):
    factories.DemandFactory(enterprise=users["enterprise"].organisation)
    client.force_login(users["enterprise"])
    html = client.get(reverse("demands:list")).content.decode()
    for chinese in ("技术需求", "人才库", "退出登录", "共 1 项需求", "联合研发", "筛选"):
        assert chinese in html
    for english in ("Technical demands", "Talent pool", "Log out", "1 demand", "Joint R&amp;D"):
        assert english not in html


def test_english_still_available_by_accept_language(client):
    html = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Log in to TechBridge" in html
    assert "登录科技桥" not in html


@pytest.mark.django_db
def test_english_demand_list_for_logged_in_user(client, users):
    factories.DemandFactory(enterprise=users["enterprise"].organisation)
    client.force_login(users["enterprise"])
    html = client.get(reverse("demands:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Technical demands" in html
    assert "1 demand" in html
    assert "技术需求" not in html


def test_activate_switches_the_language_of_lazy_strings():
    from techbridge.demands.models import Demand

    with translation.override("en"):
        assert str(Demand.CooperationMode.TRANSFER.label) == "Technology transfer"
    with translation.override("zh-hans"):
        assert str(Demand.CooperationMode.TRANSFER.label) == "技术转让"
