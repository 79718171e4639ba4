"""The community blueprint, created only here."""

from flask import Blueprint

bp = Blueprint("community", __name__, template_folder="templates")
