"""Settings from `reader.toml`: the claim taxonomy (labels with key and colour) and the verdict
scale. Looked up in the store folder, then in the user's config folder."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.paths import user_config_dir
from reader.records import DEFAULT_LABELS, VERDICTS
from reader.safe_io import read_regular
from reader.text.sanitize import clean_line

CONFIG_NAME = "reader.toml"


@dataclass
class ClaimLabel:
    """One label of the claim taxonomy."""

    name: str
    key: str
    colour: str = ""


@dataclass
class Taxonomy:
    """The claim labels (in key order) and the verdict scale."""

    labels: list[ClaimLabel] = field(default_factory=list)
    verdicts: list[str] = field(default_factory=lambda: list(VERDICTS))
    source: str = "default"
    """Which file it came from, or `default`."""
    blind: bool = False
    """`blind = true`: others' claims stay hidden on an article until I mark it done."""

    @classmethod
    def default(cls) -> Taxonomy:
        """The built-in taxonomy."""
        return cls(labels=[ClaimLabel(name, str(i + 1)) for i, name in enumerate(DEFAULT_LABELS)])

    def label_for_key(self, key: str) -> str | None:
        """The label a number key picks."""
        for label in self.labels:
            if label.key == key:
                return label.name
        return None

    @property
    def names(self) -> list[str]:
        """Label names in order."""
        return [label.name for label in self.labels]

    @property
    def colours(self) -> dict[str, str]:
        """Configured colours by label name."""
        return {label.name: label.colour for label in self.labels if label.colour}


class ConfigError(Exception):
    """`reader.toml` is not valid; the message names the file and the problem."""


def config_path(store_root: Path | None, config_dir: Path | None = None) -> Path | None:
    """The `reader.toml` in force: the store's, else the user config folder's, else None.

    Anything at that path counts (a folder or FIFO is refused by `read_config`, never read):
    every table (taxonomy, `[publisher]`, `[web]`, `[team]`, `[languages]`) comes from this
    one file."""
    candidates = []
    if store_root is not None:
        candidates.append(store_root / CONFIG_NAME)
    candidates.append((config_dir or user_config_dir()) / CONFIG_NAME)
    return next((path for path in candidates if path.exists()), None)


def read_config(path: Path) -> dict[str, Any]:
    """A `reader.toml`'s tables: a regular file only, never blocking; ConfigError (one line)
    for anything unreadable, not TOML, nested too deeply or with a number Python refuses."""
    try:
        return tomllib.loads(read_regular(path).decode("utf-8"))
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from error
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: {error}") from error
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply") from None
    except ValueError as error:  # an integer of more digits than Python converts
        raise ConfigError(f"{path}: {clean_line(str(error))[:120]}") from None


def load_taxonomy(store_root: Path | None, config_dir: Path | None = None) -> Taxonomy:
    """The taxonomy from the first `reader.toml` found (store, then user config), else default."""
    path = config_path(store_root, config_dir)
    return Taxonomy.default() if path is None else parse_taxonomy(path)


def parse_taxonomy(path: Path) -> Taxonomy:
    """Read `[[labels]]` (name, key, colour) and `verdicts = [...]` from a TOML file."""
    data = read_config(path)
    taxonomy = Taxonomy.default()
    taxonomy.source = str(path)
    raw_labels = data.get("labels")
    if raw_labels is not None:
        if not isinstance(raw_labels, list) or not raw_labels:
            raise ConfigError(f"{path}: 'labels' must be a non-empty array of tables")
        labels: list[ClaimLabel] = []
        for index, item in enumerate(raw_labels):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise ConfigError(f"{path}: labels[{index}] needs a string 'name'")
            name = clean_line(item["name"]).strip()
            if not name:  # its claims could not be restored from a dump ("has no label")
                raise ConfigError(f"{path}: labels[{index}] has a blank 'name'")
            key = str(item.get("key", index + 1 if index < 9 else ""))
            colour = item.get("colour", item.get("color", ""))
            labels.append(ClaimLabel(name, key, check_colour(path, index, colour)))
        taxonomy.labels = labels
    raw_verdicts = data.get("verdicts")
    if raw_verdicts is not None:
        if not isinstance(raw_verdicts, list) or not all(isinstance(v, str) for v in raw_verdicts):
            raise ConfigError(f"{path}: 'verdicts' must be an array of strings")
        taxonomy.verdicts = [clean_line(v).strip() for v in raw_verdicts] or list(VERDICTS)
    blind = data.get("blind", False)
    if not isinstance(blind, bool):
        raise ConfigError(f"{path}: 'blind' must be true or false")
    taxonomy.blind = blind
    return taxonomy


def check_colour(path: Path, index: int, colour: object) -> str:
    """A label's colour as the screen draws it (Rich's colour syntax), `''` for none given;
    anything else is a `ConfigError` naming the label, so a bad colour is one line at launch
    rather than a screen that cannot be drawn."""
    if colour is None or colour == "":
        return ""
    shown = clean_line(str(colour))[:40]
    hint = ("use a colour name such as 'dark_orange' or 'grey50', '#rrggbb', 'rgb(r,g,b)' or "
            "'color(n)'")
    if not isinstance(colour, str) or not colour.strip():
        raise ConfigError(f"{path}: labels[{index}] colour {shown!r} is not a colour; {hint}")
    from rich.color import Color, ColorParseError

    try:
        Color.parse(colour.strip())
    except ColorParseError:
        raise ConfigError(
            f"{path}: labels[{index}] colour {shown!r} is not a colour; {hint}") from None
    return colour.strip()


PUBLISHER_TYPES = ("Organization", "NewsMediaOrganization", "Person")
"""schema.org types a `[publisher]` may have."""


@dataclass(frozen=True)
class Publisher:
    """`[publisher]` of `reader.toml`: who publishes the fact checks (the ClaimReview author)."""

    name: str
    url: str
    type: str = "Organization"
    url_template: str = ""
    """The fact-check page of a claim, e.g. `https://example.org/checks/{id}` (`{id}`: the
    claim id, `{article_id}`: the article id); default: `url` + `#claim-{id}`."""

    def review_url(self, claim_id: str, article_id: str = "") -> str:
        """The fact-check page of one claim."""
        if self.url_template:
            return self.url_template.replace("{id}", claim_id).replace("{article_id}", article_id)
        return f"{self.url}#claim-{claim_id}"


def load_publisher(store_root: Path | None, config_dir: Path | None = None) -> Publisher | None:
    """The `[publisher]` of the first `reader.toml` found (store, then user config), or None."""
    path = config_path(store_root, config_dir)
    return None if path is None else parse_publisher(path)


def parse_publisher(path: Path) -> Publisher | None:
    """Read `[publisher]` (name, url, type, url_template) from a TOML file; None without one."""
    table = read_config(path).get("publisher")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: 'publisher' must be a table ([publisher])")
    values: dict[str, str] = {}
    for key in ("name", "url", "type", "url_template"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(f"{path}: publisher.{key} must be a string")
        values[key] = clean_line(value).strip()
    if not values["name"]:
        raise ConfigError(f"{path}: publisher.name is missing")
    for key in ("url", "url_template"):
        if values[key] and not values[key].startswith(("https://", "http://")):
            raise ConfigError(f"{path}: publisher.{key} must start with https:// or http://")
    if not values["url"]:
        raise ConfigError(f"{path}: publisher.url is missing (the fact checks' web site)")
    if values["url_template"] and "{id}" not in values["url_template"]:
        raise ConfigError(f"{path}: publisher.url_template must contain {{id}} (the claim id)")
    kind = values["type"] or "Organization"
    if kind not in PUBLISHER_TYPES:
        raise ConfigError(f"{path}: publisher.type must be one of {', '.join(PUBLISHER_TYPES)}")
    return Publisher(values["name"], values["url"], kind, values["url_template"])
