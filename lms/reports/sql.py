"""SQL pieces every evidence select and report shares: a stored UTC timestamp's local date, on both databases."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Date, cast, func, literal_column
from sqlalchemy.sql import ColumnElement

from lms.extensions import db


def zone_offset_minutes() -> int:
    """The service zone's offset from UTC now. Russia's zones keep one offset all year (no summer time since
    2014), so a constant shift gives the same local date a Python conversion would."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return int(datetime.now(zone).utcoffset().total_seconds() // 60)


def local_date(column) -> ColumnElement:
    """The local calendar date of a naive-UTC timestamp column."""
    minutes = zone_offset_minutes()
    if db.engine.dialect.name == "sqlite":
        return func.date(column, f"{minutes:+d} minutes")
    return cast(column + literal_column(f"interval '{minutes} minutes'"), Date)
