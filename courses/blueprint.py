"""The courses blueprint, created only here."""

from flask import Blueprint

bp = Blueprint("courses", __name__, template_folder="templates")
