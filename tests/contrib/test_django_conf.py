"""``settings.ISO10002``: every key checked and resolved, every mistake named, one desk built.

These tests configure Django (``django_support.configure``) but need no database: building a
desk and refusing an actor touch none. What Django does at startup with a bad dict runs in a
process of its own, since Django can be set up once per process.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime, timezone
from typing import TYPE_CHECKING

import django_hosts
import pytest

from iso10002.access import (
    LoggingRefusalLog,
    MemoryRefusalLog,
    RolePolicy,
    allow_all,
)
from iso10002.clock import ManualClock, system_clock
from iso10002.desk import new_complaint_id
from iso10002.errors import AccessDenied
from iso10002.model import Channel, Classification
from iso10002.sla import SlaPolicy, presets

pytest.importorskip("django")

from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

if TYPE_CHECKING:
    from iso10002.contrib.django.conf import Iso10002Settings


@pytest.fixture(autouse=True)
def _django() -> None:
    from django_support import configure

    configure()


def load(raw: object) -> Iso10002Settings:
    from iso10002.contrib.django.conf import load_settings

    return load_settings(raw)


def refused(raw: object) -> str:
    with pytest.raises(ImproperlyConfigured) as info:
        load(raw)
    return str(info.value)


# --- defaults ------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [None, {}])
def test_without_the_setting_every_default_applies(raw: object) -> None:
    settings = load(raw)
    assert settings.policy is None
    assert settings.access is allow_all
    assert settings.clock is system_clock
    assert settings.database == "default"
    assert isinstance(settings.refusals, LoggingRefusalLog)
    assert settings.listeners == ()
    assert settings.id_factory is new_complaint_id
    assert settings.page_size == 500


def test_the_setting_must_be_a_dict() -> None:
    assert refused(["POLICY"]) == "settings.ISO10002 must be a dict, got list"


def test_an_unknown_key_is_named_with_the_keys_there_are() -> None:
    message = refused({"POLICIES": "fca.disp.standard"})
    assert "ISO10002['POLICIES']: unknown key; the keys are POLICY, POLICY_OPTIONS" in message


def test_every_bad_key_is_named_in_one_message() -> None:
    message = refused({"POLICY": "nope", "CLOCK": 5, "DATABASE": "reports", "PAGE_SIZE": -1})
    assert message.startswith("settings.ISO10002 is invalid (4 problems):")
    for key in ("POLICY", "CLOCK", "DATABASE", "PAGE_SIZE"):
        assert f"ISO10002['{key}']" in message


# --- POLICY --------------------------------------------------------------------------------


def test_a_preset_id_gives_that_presets_policy() -> None:
    assert load({"POLICY": "fca.disp.standard"}).policy == presets.get("fca.disp.standard")


def test_policy_options_are_the_presets_options() -> None:
    chosen = load({"POLICY": "asic.rg271.standard", "POLICY_OPTIONS": {"state": "WA"}}).policy
    assert isinstance(chosen, SlaPolicy)
    assert chosen.calendar.zone == "Australia/Perth"


def test_options_the_preset_does_not_take_are_refused_naming_the_preset() -> None:
    message = refused({"POLICY": "asic.rg271.standard", "POLICY_OPTIONS": {"colour": "red"}})
    assert "ISO10002['POLICY']: preset 'asic.rg271.standard' with options {'colour': 'red'}" in (
        message
    )


def test_policy_options_without_a_preset_are_refused() -> None:
    message = refused({"POLICY": "django_hosts.POLICY", "POLICY_OPTIONS": {"state": "WA"}})
    assert "ISO10002['POLICY_OPTIONS']: options are for an SLA preset" in message


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("django_hosts.POLICY", django_hosts.POLICY),  # an object in the host's module
        ("iso10002.sla.presets.iso10002_default", presets.iso10002_default()),  # a factory
        (django_hosts.POLICY, django_hosts.POLICY),  # the object itself
    ],
)
def test_a_policy_may_be_named_by_dotted_path_built_by_a_factory_or_given(
    value: object, expected: SlaPolicy
) -> None:
    assert load({"POLICY": value}).policy == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("fca.disp.8weeks", "is neither an SLA preset id (known: asic."),
        ("fcadisp", "is neither an SLA preset id"),
        ("django_hosts.NOT_A_POLICY", "is not a policy: expected an SlaPolicy"),
        ("iso10002.clock.system_clock", "is not a policy: expected an SlaPolicy"),
        (42, "is not a policy"),
    ],
)
def test_what_is_not_a_policy_is_refused(value: object, words: str) -> None:
    assert words in refused({"POLICY": value})


# --- ACCESS, CLOCK, DATABASE, REFUSALS, LISTENERS, ID_FACTORY, PAGE_SIZE --------------------


def test_access_may_be_a_dotted_path_or_a_policy_object() -> None:
    roles = RolePolicy(roles={"lead:kim": {"lead"}}, grants={"lead": {"close"}})
    assert load({"ACCESS": "django_hosts.handlers_only"}).access is django_hosts.handlers_only
    assert load({"ACCESS": roles}).access is roles


@pytest.mark.parametrize(
    "value", ["django_hosts.takes_two", "django_hosts.NOT_A_POLICY", "no_such_module.policy"]
)
def test_access_must_be_callable_with_actor_action_and_complaint(value: str) -> None:
    message = refused({"ACCESS": value})
    assert "ISO10002['ACCESS']" in message
    assert "(actor, action, complaint) -> bool" in message or "cannot import" in message


def test_a_clock_may_be_named_or_given() -> None:
    assert load({"CLOCK": "django_hosts.CLOCK"}).clock is django_hosts.CLOCK
    clock = ManualClock(datetime(2026, 5, 1, tzinfo=timezone.utc))
    assert load({"CLOCK": clock}).clock is clock


def test_a_clock_that_gives_naive_times_is_refused() -> None:
    message = refused({"CLOCK": "django_hosts.naive_clock"})
    assert "ISO10002['CLOCK']: 'django_hosts.naive_clock' is not a clock" in message
    assert "naive datetime" in message


def test_a_class_that_cannot_be_instantiated_without_arguments_is_refused() -> None:
    message = refused({"CLOCK": "django_hosts.NeedsArguments"})
    assert "cannot instantiate NeedsArguments()" in message


def test_the_database_must_be_an_alias_of_settings_databases() -> None:
    assert load({"DATABASE": "embedded"}).database == "embedded"
    message = refused({"DATABASE": "reports"})
    assert "'reports' is not an alias in settings.DATABASES (it has 'default', 'embedded')" in (
        message
    )


def test_a_refusal_log_class_is_instantiated() -> None:
    assert isinstance(
        load({"REFUSALS": "iso10002.access.MemoryRefusalLog"}).refusals, (MemoryRefusalLog)
    )
    assert "is not a refusal log" in refused({"REFUSALS": "django_hosts.Listener"})


def test_listeners_are_a_list_of_objects_or_dotted_paths() -> None:
    listener = django_hosts.Listener()
    found = load({"LISTENERS": ["django_hosts.Listener", listener]}).listeners
    assert isinstance(found[0], django_hosts.Listener)
    assert found[1] is listener
    assert "expected a list of listeners" in refused({"LISTENERS": "django_hosts.Listener"})
    assert "ISO10002['LISTENERS']: item 1: cannot import 'nowhere.Listener'" in refused(
        {"LISTENERS": [listener, "nowhere.Listener"]}
    )


def test_the_id_factory_must_take_no_arguments() -> None:
    assert load({"ID_FACTORY": "django_hosts.sequential_ids"}).id_factory is (
        django_hosts.sequential_ids
    )
    assert "is not an id factory" in refused({"ID_FACTORY": "django_hosts.handlers_only"})


@pytest.mark.parametrize("value", [0, -5, True, "500", 2.5])
def test_the_page_size_is_a_positive_whole_number(value: object) -> None:
    assert "ISO10002['PAGE_SIZE']: expected a positive whole number" in refused(
        {"PAGE_SIZE": value}
    )


# --- the desk ------------------------------------------------------------------------------


def test_the_desk_is_built_from_the_settings() -> None:
    from iso10002.contrib.django import get_desk
    from iso10002.contrib.django.store import DjangoStore

    raw = {
        "POLICY": "fca.disp.standard",
        "ACCESS": "django_hosts.handlers_only",
        "CLOCK": "django_hosts.CLOCK",
        "DATABASE": "embedded",
        "REFUSALS": "iso10002.access.MemoryRefusalLog",
        "LISTENERS": ["django_hosts.Listener"],
        "ID_FACTORY": "django_hosts.sequential_ids",
        "PAGE_SIZE": 7,
    }
    with override_settings(ISO10002=raw):
        desk = get_desk()
    assert isinstance(desk.store, DjangoStore)
    assert desk.store.using == "embedded"
    assert desk.store._page == 7
    assert desk.policy == presets.get("fca.disp.standard")
    assert desk.access is django_hosts.handlers_only
    assert desk.clock is django_hosts.CLOCK
    assert isinstance(desk.refusals, MemoryRefusalLog)
    assert isinstance(desk.listeners[0], django_hosts.Listener)
    assert desk.id_factory is django_hosts.sequential_ids


def test_one_desk_serves_the_process_until_the_settings_change() -> None:
    from iso10002.contrib.django import get_desk

    first = get_desk()
    assert get_desk() is first
    with override_settings(ISO10002={"POLICY": "ie.cbi.cpc"}):
        changed = get_desk()
        assert changed is not first
        assert changed.policy == presets.get("ie.cbi.cpc")
        assert get_desk() is changed
    assert get_desk().policy is None


def test_the_configured_access_policy_refuses_and_records_before_anything_is_stored() -> None:
    from iso10002.contrib.django import get_desk

    raw = {"ACCESS": "django_hosts.handlers_only", "REFUSALS": "iso10002.access.MemoryRefusalLog"}
    with override_settings(ISO10002=raw):
        desk = get_desk()
        with pytest.raises(AccessDenied):
            desk.receive(
                actor="visitor:x",
                channel=Channel.WEB,
                complainant=None,
                description="Rude reply.",
                classification=Classification(product="branch"),
            )
    assert isinstance(desk.refusals, MemoryRefusalLog)
    assert [(r.actor, r.action) for r in desk.refusals.refusals] == [("visitor:x", "receive")]


def test_the_names_of_the_package_are_the_conf_and_signals_ones() -> None:
    import iso10002.contrib.django as app
    from iso10002.contrib.django import conf, signals

    assert app.get_desk is conf.get_desk
    assert app.get_settings is conf.get_settings
    assert app.complaint_event is signals.complaint_event
    with pytest.raises(AttributeError, match="has no attribute 'desk'"):
        app.desk  # noqa: B018


# --- at startup ----------------------------------------------------------------------------


def _start(iso10002: str) -> subprocess.CompletedProcess[str]:
    """Start Django in a process of its own with ``ISO10002 = <iso10002>``."""
    code = textwrap.dedent(
        f"""
        import django
        from django.conf import settings
        settings.configure(
            INSTALLED_APPS=["iso10002.contrib.django"],
            DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
            USE_TZ=True,
            ISO10002={iso10002},
        )
        django.setup()
        print("started")
        """
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )


def test_django_refuses_to_start_with_a_bad_setting_and_says_why() -> None:
    done = _start('{"POLICY": "fca.disp.8weeks", "PAGE_SIZE": 0}')
    assert done.returncode != 0
    assert "django.core.exceptions.ImproperlyConfigured: settings.ISO10002 is invalid" in (
        done.stderr
    )
    assert "ISO10002['POLICY']: 'fca.disp.8weeks'" in done.stderr
    assert "ISO10002['PAGE_SIZE']" in done.stderr


def test_django_starts_with_a_good_setting() -> None:
    done = _start('{"POLICY": "fca.disp.standard", "CLOCK": "iso10002.clock.system_clock"}')
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "started"
