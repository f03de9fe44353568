"""OAI-PMH 2.0 request rules: arguments per verb, datestamps, resumption
tokens and the protocol's error codes (openarchives.org/OAI/openarchivesprotocol.html)."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.utils.translation import gettext as _

METADATA_PREFIX = "oai_dc"
TOKEN_SALT = "oai.resumption-token"

REQUIRED = {
    "Identify": set(),
    "ListMetadataFormats": set(),
    "ListSets": set(),
    "GetRecord": {"identifier", "metadataPrefix"},
    "ListIdentifiers": {"metadataPrefix"},
    "ListRecords": {"metadataPrefix"},
}
OPTIONAL = {
    "Identify": set(),
    "ListMetadataFormats": {"identifier"},
    "ListSets": set(),
    "GetRecord": set(),
    "ListIdentifiers": {"from", "until", "set"},
    "ListRecords": {"from", "until", "set"},
}
PAGED = {"ListSets", "ListIdentifiers", "ListRecords"}

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


class OaiError(Exception):
    """One protocol error: its code and a readable message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class OaiRequest:
    verb: str
    args: dict[str, str] = field(default_factory=dict)
    cursor: int = 0
    after_id: int = 0

    @property
    def set_spec(self) -> str:
        return self.args.get("set", "")


def format_datestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datestamp(value: str, *, end: bool) -> tuple[datetime, str]:
    """(moment, granularity) of a from/until value; ``until`` is inclusive, so
    it ends at the last instant of its day or second."""
    if DAY.match(value):
        granularity, pattern, step = "day", "%Y-%m-%d", timedelta(days=1)
    elif SECOND.match(value):
        granularity, pattern, step = (
            "second",
            "%Y-%m-%dT%H:%M:%SZ",
            timedelta(seconds=1),
        )
    else:
        raise OaiError(
            "badArgument",
            _(
                "“%(value)s” is not a UTC datestamp (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)."
            )
            % {"value": value},
        )
    try:
        moment = datetime.strptime(value, pattern).replace(tzinfo=UTC)
    except ValueError as error:
        raise OaiError(
            "badArgument", _("“%(value)s” is not a valid date.") % {"value": value}
        ) from error
    return (moment + step if end else moment), granularity


def date_range(args: dict[str, str]) -> tuple[datetime | None, datetime | None]:
    """[from, until) bounds of a list request."""
    start = end = None
    granularities = set()
    if "from" in args:
        start, granularity = parse_datestamp(args["from"], end=False)
        granularities.add(granularity)
    if "until" in args:
        end, granularity = parse_datestamp(args["until"], end=True)
        granularities.add(granularity)
    if len(granularities) > 1:
        raise OaiError(
            "badArgument", _("“from” and “until” must have the same granularity.")
        )
    if start is not None and end is not None and start >= end:
        raise OaiError("badArgument", _("“from” is later than “until”."))
    return start, end


def token_make(request: OaiRequest, *, cursor: int, after_id: int) -> str:
    payload = {"verb": request.verb, "args": request.args, "c": cursor, "a": after_id}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=True)


def token_read(verb: str, token: str) -> OaiRequest:
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
    except signing.BadSignature as error:
        raise OaiError(
            "badResumptionToken", _("The resumption token is invalid.")
        ) from error
    if payload.get("verb") != verb:
        raise OaiError(
            "badResumptionToken", _("The resumption token belongs to another verb.")
        )
    return OaiRequest(
        verb=verb, args=payload["args"], cursor=payload["c"], after_id=payload["a"]
    )


def parse_request(params) -> OaiRequest:
    """Check verb and arguments (a QueryDict of GET or POST) by the protocol's
    rules; raises OaiError with the code the protocol asks for."""
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in REQUIRED:
        raise OaiError(
            "badVerb", _("The verb is missing, repeated or not an OAI-PMH verb.")
        )
    verb = verbs[0]
    args = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if len(values) > 1:
            raise OaiError(
                "badArgument",
                _("The argument “%(name)s” is repeated.") % {"name": name},
            )
        args[name] = values[0]
    allowed = (
        REQUIRED[verb]
        | OPTIONAL[verb]
        | ({"resumptionToken"} if verb in PAGED else set())
    )
    unknown = sorted(set(args) - allowed)
    if unknown:
        raise OaiError(
            "badArgument",
            _("%(verb)s does not take the argument “%(name)s”.")
            % {"verb": verb, "name": unknown[0]},
        )
    if "resumptionToken" in args:
        if len(args) > 1:
            raise OaiError(
                "badArgument",
                _("A resumption token is the only argument allowed beside the verb."),
            )
        if verb == "ListSets":
            raise OaiError("badResumptionToken", _("The list of sets is never split."))
        return token_read(verb, args["resumptionToken"])
    missing = sorted(REQUIRED[verb] - set(args))
    if missing:
        raise OaiError(
            "badArgument",
            _("%(verb)s needs the argument “%(name)s”.")
            % {"verb": verb, "name": missing[0]},
        )
    if "metadataPrefix" in args and args["metadataPrefix"] != METADATA_PREFIX:
        raise OaiError(
            "cannotDisseminateFormat",
            _("Only oai_dc (Dublin Core) is offered, not “%(prefix)s”.")
            % {"prefix": args["metadataPrefix"]},
        )
    date_range(args)
    return OaiRequest(verb=verb, args=args)
