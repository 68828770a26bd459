"""JSON for BSON types: aware datetimes as ISO 8601 with offset, ObjectIds as strings."""
from datetime import datetime, timezone

from bson import ObjectId
from flask.json.provider import DefaultJSONProvider


def iso(momento: datetime) -> str:
    """ISO 8601 with offset; naive values (never stored by us) are taken as UTC."""
    if momento.tzinfo is None:
        momento = momento.replace(tzinfo=timezone.utc)
    return momento.astimezone(timezone.utc).isoformat(timespec="milliseconds")


class ProvedorJSON(DefaultJSONProvider):
    ensure_ascii = False  # pt-BR messages stay readable
    sort_keys = False

    @staticmethod
    def default(valor):
        if isinstance(valor, datetime):
            return iso(valor)
        if isinstance(valor, ObjectId):
            return str(valor)
        return DefaultJSONProvider.default(valor)
