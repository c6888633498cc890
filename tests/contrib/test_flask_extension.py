"""The Flask extension sets up one desk per app from app.config and names each request's actor."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask, g
from flask_support import COMPLAINT, flask_app

from iso10002 import (
    ComplaintsDesk,
    InMemoryStore,
    ManualClock,
    MemoryRefusalLog,
    RolePolicy,
    SQLiteStore,
)
from iso10002.contrib.flask import (
    CONFIG_DEFAULTS,
    ActorRequired,
    Iso10002,
    close_desk,
    current_actor,
    current_desk,
    receive_complaint,
    setting,
)
from iso10002.errors import ConfigurationError
from iso10002.sla import presets
from iso10002.testing.builders import START


def app_with(tmp_path: Path, **config: object) -> Flask:
    app = Flask("site", instance_path=str(tmp_path / "instance"))
    app.config.update(config)
    return app


def test_the_desk_of_an_app_is_kept_in_app_extensions(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory")
    ext = Iso10002(app)
    desk = app.extensions["iso10002"]
    assert isinstance(desk, ComplaintsDesk)
    with app.app_context():
        assert current_desk() is desk
        assert ext.desk is desk


def test_one_extension_set_up_on_two_apps_gives_each_its_own_desk(tmp_path: Path) -> None:
    ext = Iso10002()
    first = app_with(tmp_path, ISO10002_STORE="memory")
    second = app_with(tmp_path, ISO10002_STORE="memory")
    ext.init_app(first)
    ext.init_app(second)
    assert first.extensions["iso10002"] is not second.extensions["iso10002"]
    assert first.extensions["iso10002"].store is not second.extensions["iso10002"].store


def test_setting_up_the_same_app_twice_is_refused(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory")
    Iso10002(app)
    with pytest.raises(ConfigurationError, match="already set up"):
        Iso10002(app)


def test_the_default_store_is_a_sqlite_file_in_the_instance_folder(tmp_path: Path) -> None:
    app = app_with(tmp_path)
    Iso10002(app)
    store = app.extensions["iso10002"].store
    try:
        assert isinstance(store, SQLiteStore)
        assert store.path == tmp_path / "instance" / "iso10002.sqlite3"
    finally:
        close_desk(app)


def test_a_relative_sqlite_path_is_in_the_instance_folder(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="data/complaints.sqlite3")
    Iso10002(app)
    try:
        assert app.extensions["iso10002"].store.path == (
            tmp_path / "instance" / "data" / "complaints.sqlite3"
        )
    finally:
        close_desk(app)


def test_an_absolute_path_opens_that_sqlite_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.sqlite3"
    app = app_with(tmp_path, ISO10002_STORE=target)
    Iso10002(app)
    try:
        assert app.extensions["iso10002"].store.path == target
    finally:
        close_desk(app)


def test_a_database_url_opens_an_sqlalchemy_store(tmp_path: Path) -> None:
    sqlalchemy = pytest.importorskip("iso10002.storage.sqlalchemy")
    app = app_with(tmp_path, ISO10002_STORE=f"sqlite:///{tmp_path / 'via-sqlalchemy.db'}")
    Iso10002(app)
    try:
        desk = app.extensions["iso10002"]
        assert isinstance(desk.store, sqlalchemy.SQLAlchemyStore)
        receive_complaint(desk, COMPLAINT, actor="agent:ana")
        assert desk.store.count() == 1
    finally:
        close_desk(app)


def test_complaints_in_the_sqlite_file_outlive_the_app(tmp_path: Path) -> None:
    def received_count(app: Flask) -> int:
        Iso10002(app)
        try:
            desk = app.extensions["iso10002"]
            receive_complaint(desk, COMPLAINT, actor="agent:ana")
            return desk.store.count()
        finally:
            close_desk(app)

    assert received_count(app_with(tmp_path)) == 1
    assert received_count(app_with(tmp_path)) == 2


@pytest.mark.parametrize(
    ("where", "kind"),
    [("memory", InMemoryStore), (":memory:", SQLiteStore)],
)
def test_in_memory_stores_can_be_named(tmp_path: Path, where: str, kind: type) -> None:
    app = app_with(tmp_path, ISO10002_STORE=where)
    Iso10002(app)
    try:
        assert isinstance(app.extensions["iso10002"].store, kind)
    finally:
        close_desk(app)


def test_a_store_object_is_used_as_given_and_left_open(tmp_path: Path) -> None:
    with SQLiteStore.memory() as store:
        app = app_with(tmp_path, ISO10002_STORE=store)
        Iso10002(app)
        close_desk(app)
        assert app.extensions["iso10002"].store is store
        assert store.count() == 0  # still open


@pytest.mark.parametrize("where", [42, None, {"path": "complaints.sqlite3"}])
def test_a_store_setting_that_names_no_store_is_refused(tmp_path: Path, where: object) -> None:
    with pytest.raises(ConfigurationError, match="ISO10002_STORE"):
        Iso10002(app_with(tmp_path, ISO10002_STORE=where))


def test_the_default_policy_is_the_iso10002_preset(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory")
    Iso10002(app)
    assert app.extensions["iso10002"].policy.name == "iso10002.default"


def test_a_preset_id_with_options_builds_that_preset(tmp_path: Path) -> None:
    app = app_with(
        tmp_path,
        ISO10002_STORE="memory",
        ISO10002_POLICY="asic.rg271.standard",
        ISO10002_POLICY_OPTIONS={"state": "WA"},
    )
    Iso10002(app)
    assert app.extensions["iso10002"].policy.calendar.zone == "Australia/Perth"


def test_a_policy_object_is_used_as_given(tmp_path: Path) -> None:
    policy = presets.get("fca.disp.standard")
    app = app_with(tmp_path, ISO10002_STORE="memory", ISO10002_POLICY=policy)
    Iso10002(app)
    assert app.extensions["iso10002"].policy is policy


def test_no_policy_means_no_deadlines(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory", ISO10002_POLICY=None)
    Iso10002(app)
    assert app.extensions["iso10002"].policy is None


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ISO10002_POLICY", "fca.disp.8weeks"),
        ("ISO10002_POLICY", 3),
        ("ISO10002_POLICY_OPTIONS", ["nation"]),
        ("ISO10002_ACCESS", "everyone"),
        ("ISO10002_REFUSALS", []),
        ("ISO10002_CLOCK", "now"),
        ("ISO10002_LISTENERS", "audit"),
        ("ISO10002_ACTOR", "agent:ana"),
        ("ISO10002_PAGE_SIZE", 0),
        ("ISO10002_MAX_PAGE_SIZE", True),
        ("ISO10002_INTAKE_ACTOR", ""),
        ("ISO10002_BLUEPRINT_PREFIX", 7),
    ],
)
def test_a_setting_of_the_wrong_kind_is_refused_at_set_up(
    tmp_path: Path, name: str, value: object
) -> None:
    with pytest.raises(ConfigurationError):
        Iso10002(app_with(tmp_path, ISO10002_STORE="memory", **{name: value}))


def test_a_misspelt_setting_is_refused_rather_than_ignored(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="ISO10002_POLICIES is not an iso10002 setting"):
        Iso10002(app_with(tmp_path, ISO10002_STORE="memory", ISO10002_POLICIES="x"))


def test_access_clock_and_refusals_reach_the_desk(tmp_path: Path) -> None:
    clock, refusals = ManualClock(START), MemoryRefusalLog()
    policy = RolePolicy(roles={}, grants={})
    app = app_with(
        tmp_path,
        ISO10002_STORE="memory",
        ISO10002_CLOCK=clock,
        ISO10002_ACCESS=policy,
        ISO10002_REFUSALS=refusals,
    )
    Iso10002(app)
    desk = app.extensions["iso10002"]
    assert (desk.clock, desk.access, desk.refusals) == (clock, policy, refusals)


def test_every_setting_has_a_default() -> None:
    app = Flask("defaults")
    assert {name: setting(name, app) for name in CONFIG_DEFAULTS} == dict(CONFIG_DEFAULTS)


def test_the_default_actor_is_what_the_host_put_in_g(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory")
    Iso10002(app)
    with app.test_request_context():
        g.iso10002_actor = "agent:ana"
        assert current_actor() == "agent:ana"


def test_an_actor_loader_in_the_config_names_the_actor(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory", ISO10002_ACTOR=lambda: "lead:kim")
    Iso10002(app)
    with app.test_request_context():
        assert current_actor() == "lead:kim"


def test_the_extensions_actor_loader_serves_apps_without_their_own(tmp_path: Path) -> None:
    ext = Iso10002(actor=lambda: "agent:bo")
    plain = app_with(tmp_path, ISO10002_STORE="memory")
    own = app_with(tmp_path, ISO10002_STORE="memory", ISO10002_ACTOR=lambda: "lead:kim")
    ext.init_app(plain)
    ext.init_app(own)
    with plain.test_request_context():
        assert current_actor() == "agent:bo"
    with own.test_request_context():
        assert current_actor() == "lead:kim"


def test_without_a_signed_in_actor_the_request_is_refused(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory")
    Iso10002(app)
    with app.test_request_context(), pytest.raises(ActorRequired):
        current_actor()


def test_an_actor_loader_returning_a_non_string_is_a_configuration_error(tmp_path: Path) -> None:
    app = app_with(tmp_path, ISO10002_STORE="memory", ISO10002_ACTOR=lambda: 42)
    Iso10002(app)
    with app.test_request_context(), pytest.raises(ConfigurationError, match="not a string"):
        current_actor()


def test_the_blueprint_is_registered_only_when_a_prefix_is_set(tmp_path: Path) -> None:
    with flask_app() as app:
        assert "/complaints/new" in {r.rule for r in app.url_map.iter_rules()}
    plain = app_with(tmp_path, ISO10002_STORE="memory")
    Iso10002(plain)
    assert not any(r.rule.endswith("/new") for r in plain.url_map.iter_rules())
