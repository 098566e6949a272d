"""Commerce's states and their lifecycles: quotations, orders and deliveries (action → from, to, roles)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hamyar.core.errors import ApplicationError
from hamyar.core.lifecycle import Lifecycle, Step
from hamyar.core.roles import MUNICIPALITY_ROLES, PROVIDER_ROLES, Role


class QuotationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    # A competing quotation handed to the officer, waiting to be compared.
    OFFERED = "offered", _("Offered for comparison")
    AWAITING_DEPUTY = "awaiting_deputy", _("Awaiting the commerce deputy")
    SENT = "sent", _("Sent to the municipality")
    AWAITING_MAYOR = "awaiting_mayor", _("Awaiting the mayor")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    NOT_CHOSEN = "not_chosen", _("Not chosen")


# Waiting for the municipality: these expire when their validity date has passed.
AWAITING_MUNICIPALITY = frozenset({QuotationStatus.SENT, QuotationStatus.AWAITING_MAYOR})
# Still alive: a new revision supersedes these.
LIVE_STATUSES = frozenset(
    {QuotationStatus.DRAFT, QuotationStatus.OFFERED, QuotationStatus.AWAITING_DEPUTY,
     QuotationStatus.SENT, QuotationStatus.AWAITING_MAYOR}
)


class OrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    IN_FULFILMENT = "in_fulfilment", _("In fulfilment")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Received and closed")


class DeliveryStatus(models.TextChoices):
    AWAITING_RECEIPT = "awaiting_receipt", _("Awaiting receipt")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")


# ---------------------------------------------------------------- lifecycles (hamyar.core.lifecycle)

# The commerce deputy's staff prices and sends quotations; the org admin may act for them.
OFFICER_ROLES = frozenset({Role.COMMERCE_OFFICER, Role.ORG_ADMIN})
# Who prepares a quotation: its provider's own users (scope keeps them to their own) or an officer.
PREPARER_ROLES = OFFICER_ROLES | PROVIDER_ROLES
MUNICIPALITY = frozenset(MUNICIPALITY_ROLES)
# Who may start an order and record its deliveries: the order's provider, or a commerce officer.
DELIVERY_RECORDERS = frozenset({Role.SUPPLIER_USER, Role.PROJECT_MANAGER, Role.COMMERCE_OFFICER})
SYSTEM: frozenset[Role] = frozenset()  # steps only the system takes (expiry), or that follow another


class QuotationAction(models.TextChoices):
    UPDATE = "update", _("Edit")
    SEND = "send", _("Send")
    OFFER = "offer", _("Offer for comparison")
    CHOOSE = "choose", _("Choose")
    NOT_CHOSEN = "not_chosen", _("Not chosen")
    DEPUTY_APPROVE = "deputy_approve", _("Commerce deputy's approval")
    APPROVE = "approve", _("Approve")
    REJECT = "reject", _("Reject")
    EXPIRE = "expire", _("Expire")
    SUPERSEDE = "supersede", _("Supersede")


class QuotationLifecycle(Lifecycle):
    """A refused quotation step says why in the words of the state it is in."""

    MESSAGES = {
        QuotationStatus.APPROVED: _("This quotation has already been approved."),
        QuotationStatus.REJECTED: _("This quotation has already been rejected."),
        QuotationStatus.EXPIRED: _("This quotation has expired."),
        QuotationStatus.SUPERSEDED: _("A newer revision has replaced this quotation."),
        QuotationStatus.NOT_CHOSEN: _("Another quotation was chosen for this need."),
        QuotationStatus.AWAITING_DEPUTY: _("The commerce deputy has not yet approved this quotation."),
    }

    def state_error(self, obj: models.Model, action: str) -> ApplicationError:
        message = self.MESSAGES.get(getattr(obj, self.field)) or _(
            "The quotation is “%(status)s”; this action is not possible now."
        ) % {"status": obj.get_status_display()}  # type: ignore[attr-defined]
        return ApplicationError(message, code=self.code)


_Q, _QA = QuotationStatus, QuotationAction
# A quotation's life: any move not declared here is refused (409). Sending goes to the deputy above its
# threshold (awaiting_deputy), else to the municipality (sent); the clerk's approval above the mayor's
# threshold waits for the mayor (awaiting_mayor). Not chosen, supersede and expire follow other steps or
# the clock; no one takes them by hand.
QUOTATION_LIFECYCLE = QuotationLifecycle(
    name="quotation", actions=QuotationAction, code="quotation_state",
    steps={
        _QA.UPDATE: Step(frozenset({_Q.DRAFT}), _Q.DRAFT, PREPARER_ROLES),
        _QA.SEND: Step(frozenset({_Q.DRAFT}), _Q.SENT, PREPARER_ROLES, frozenset({_Q.AWAITING_DEPUTY})),
        _QA.OFFER: Step(frozenset({_Q.DRAFT}), _Q.OFFERED, PREPARER_ROLES),
        _QA.CHOOSE: Step(frozenset({_Q.OFFERED}), _Q.SENT, OFFICER_ROLES, frozenset({_Q.AWAITING_DEPUTY})),
        _QA.NOT_CHOSEN: Step(frozenset({_Q.DRAFT, _Q.OFFERED}), _Q.NOT_CHOSEN, SYSTEM),
        _QA.DEPUTY_APPROVE: Step(frozenset({_Q.AWAITING_DEPUTY}), _Q.SENT, frozenset({Role.EXECUTIVE})),
        _QA.APPROVE: Step(frozenset(AWAITING_MUNICIPALITY), _Q.APPROVED, MUNICIPALITY,
                          frozenset({_Q.AWAITING_MAYOR})),
        _QA.REJECT: Step(frozenset(AWAITING_MUNICIPALITY), _Q.REJECTED, MUNICIPALITY),
        _QA.EXPIRE: Step(frozenset(AWAITING_MUNICIPALITY), _Q.EXPIRED, SYSTEM),
        _QA.SUPERSEDE: Step(LIVE_STATUSES, _Q.SUPERSEDED, SYSTEM),
    },
)


class OrderAction(models.TextChoices):
    START = "start", _("Start")
    DELIVER = "deliver", _("Record a delivery")
    PARTIALLY_DELIVERED = "partially_delivered", _("Partially delivered")
    DELIVERED = "delivered", _("Delivered")
    CLOSE = "close", _("Receive and close")
    REOPEN = "reopen", _("Reopen")
    RECEIVE = "receive", _("Receive a delivery")
    REJECT = "reject", _("Reject a delivery")
    RATE = "rate", _("Rate")


class OrderLifecycle(Lifecycle):
    """A refused order step names the order and says when the step is possible."""

    MESSAGES = {
        OrderAction.START: _("Order %(number)s is %(status)s; only a placed order can be started."),
        OrderAction.DELIVER: _("Order %(number)s is %(status)s; deliveries are recorded once it is in "
                               "fulfilment and until everything is delivered."),
        OrderAction.RECEIVE: _("Order %(number)s is %(status)s; it has no delivery to receive."),
        OrderAction.REJECT: _("Order %(number)s is %(status)s; it has no delivery to reject."),
        OrderAction.RATE: _("Order %(number)s is %(status)s; an order is rated once it is received and "
                            "closed."),
    }

    def state_error(self, obj: models.Model, action: str) -> ApplicationError:
        message = self.MESSAGES.get(action)  # type: ignore[call-overload]
        if message is None:  # a step that follows the quantities: a bug, not an input
            return ApplicationError(code=self.code)
        return ApplicationError(message % {"number": obj.number,  # type: ignore[attr-defined]
                                           "status": obj.get_status_display()},  # type: ignore[attr-defined]
                                code=self.code)


_O, _OA = OrderStatus, OrderAction
_OPEN = frozenset({_O.IN_FULFILMENT, _O.PARTIALLY_DELIVERED})
_ANSWERABLE = frozenset({_O.PARTIALLY_DELIVERED, _O.DELIVERED})
# An order's life. Start is the provider's; deliver, receive, reject and rate are the states in which a
# delivery may be recorded, answered, or the order rated (the order moves as its quantities say:
# partially delivered, delivered, closed, or back as far as a rejected delivery takes it).
ORDER_LIFECYCLE = OrderLifecycle(
    name="order", actions=OrderAction, code="order_state",
    steps={
        _OA.START: Step(frozenset({_O.PLACED}), _O.IN_FULFILMENT, DELIVERY_RECORDERS),
        _OA.DELIVER: Step(_OPEN, _O.DELIVERED, DELIVERY_RECORDERS, frozenset(_OPEN)),
        _OA.PARTIALLY_DELIVERED: Step(frozenset({_O.IN_FULFILMENT}), _O.PARTIALLY_DELIVERED, SYSTEM),
        _OA.DELIVERED: Step(_OPEN, _O.DELIVERED, SYSTEM),
        _OA.CLOSE: Step(frozenset({_O.DELIVERED}), _O.CLOSED, SYSTEM),
        _OA.REOPEN: Step(frozenset({_O.DELIVERED, _O.PARTIALLY_DELIVERED}), _O.IN_FULFILMENT, SYSTEM,
                         frozenset({_O.PARTIALLY_DELIVERED})),
        _OA.RECEIVE: Step(_ANSWERABLE, _O.CLOSED, frozenset({Role.MUNICIPALITY_USER}), _ANSWERABLE),
        _OA.REJECT: Step(_ANSWERABLE, _O.IN_FULFILMENT, frozenset({Role.MUNICIPALITY_USER}), _ANSWERABLE),
        _OA.RATE: Step(frozenset({_O.CLOSED}), _O.CLOSED, frozenset({Role.MUNICIPALITY_USER})),
    },
)


class DeliveryAction(models.TextChoices):
    RECEIVE = "receive", _("Confirm the receipt")
    REJECT = "reject", _("Reject")


class DeliveryLifecycle(Lifecycle):
    def state_error(self, obj: models.Model, action: str) -> ApplicationError:
        return ApplicationError(
            _("Delivery %(number)s was already answered (%(status)s); a delivery is received or "
              "rejected once.") % {"number": obj.number,  # type: ignore[attr-defined]
                                   "status": obj.get_status_display()},  # type: ignore[attr-defined]
            code=self.code)


# A delivery is answered once, by its municipality: received, or rejected with a reason.
DELIVERY_LIFECYCLE = DeliveryLifecycle(
    name="delivery", actions=DeliveryAction, code="delivery_state",
    steps={
        DeliveryAction.RECEIVE: Step(frozenset({DeliveryStatus.AWAITING_RECEIPT}), DeliveryStatus.RECEIVED,
                                     frozenset({Role.MUNICIPALITY_USER})),
        DeliveryAction.REJECT: Step(frozenset({DeliveryStatus.AWAITING_RECEIPT}), DeliveryStatus.REJECTED,
                                    frozenset({Role.MUNICIPALITY_USER})),
    },
)


# ---------------------------------------------------------------- group purchases

class GroupPurchaseStatus(models.TextChoices):
    OPEN = "open", _("Open for joining")
    # Collecting has stopped; a pool below its minimum waits here for its participants' choices.
    CLOSED = "closed", _("Closed")
    ORDERED = "ordered", _("Ordered from the supplier")
    ALLOCATED = "allocated", _("Allocated to the municipalities")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    JOINED = "joined", _("Joined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FELL_BACK = "fell_back", _("Back to an individual quotation")


class GroupPurchaseAction(models.TextChoices):
    CLOSE = "close", _("Close")
    ORDER = "order", _("Order from the supplier")
    ALLOCATE = "allocate", _("Allocate")
    EXTEND = "extend", _("Extend the window")
    CANCEL = "cancel", _("Cancel")
    FINISH = "finish", _("Done")


_G, _GA = GroupPurchaseStatus, GroupPurchaseAction
# A group purchase's life. The officer (or the periodic task at the window's end) closes it; a pool at
# or above its minimum is ordered and allocated in the same transaction (steps that follow the close);
# a pool below it waits, closed, while each participant chooses, and the officer extends its window or
# cancels it. It is done when every municipality has received its order in full.
GROUP_PURCHASE_LIFECYCLE = Lifecycle(
    name="group_purchase", actions=GroupPurchaseAction, code="group_purchase_state",
    message=_("The group purchase is “%(status)s”; “%(action)s” is not possible now."),
    steps={
        _GA.CLOSE: Step(frozenset({_G.OPEN}), _G.CLOSED, OFFICER_ROLES),
        _GA.ORDER: Step(frozenset({_G.CLOSED}), _G.ORDERED, SYSTEM),
        _GA.ALLOCATE: Step(frozenset({_G.ORDERED}), _G.ALLOCATED, SYSTEM),
        _GA.EXTEND: Step(frozenset({_G.CLOSED}), _G.OPEN, OFFICER_ROLES),
        _GA.CANCEL: Step(frozenset({_G.OPEN, _G.CLOSED}), _G.CANCELLED, OFFICER_ROLES),
        _GA.FINISH: Step(frozenset({_G.ALLOCATED}), _G.DONE, SYSTEM),
    },
)


class ParticipantAction(models.TextChoices):
    JOIN = "join", _("Join")
    CHANGE = "change", _("Change the quantity")
    WITHDRAW = "withdraw", _("Withdraw")
    WAIT = "wait", _("Wait for an extended window")
    FALL_BACK = "fall_back", _("Ask for an individual quotation")


_P, _PA = ParticipantStatus, ParticipantAction
# A municipality's place in a pool: it joins, changes or withdraws while the pool is open (the services
# check that under the group purchase's lock); below the minimum it waits, falls back or withdraws.
PARTICIPANT_LIFECYCLE = Lifecycle(
    name="group_participant", actions=ParticipantAction, code="participant_state",
    message=_("Your place in this group purchase is “%(status)s”; “%(action)s” is not possible now."),
    steps={
        _PA.JOIN: Step(frozenset({_P.INVITED, _P.WITHDRAWN}), _P.JOINED, MUNICIPALITY),
        _PA.CHANGE: Step(frozenset({_P.JOINED}), _P.JOINED, MUNICIPALITY),
        _PA.WITHDRAW: Step(frozenset({_P.JOINED}), _P.WITHDRAWN, MUNICIPALITY),
        _PA.WAIT: Step(frozenset({_P.JOINED}), _P.JOINED, MUNICIPALITY),
        _PA.FALL_BACK: Step(frozenset({_P.JOINED}), _P.FELL_BACK, MUNICIPALITY),
    },
)


# ---------------------------------------------------------------- complaints

class ComplaintStatus(models.TextChoices):
    FILED = "filed", _("Filed")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The clock runs while the organization owes an answer.
COMPLAINT_OPEN_STATUSES = frozenset({ComplaintStatus.FILED, ComplaintStatus.ASSIGNED})


class ComplaintTopic(models.TextChoices):
    """Which step of the process the complaint is about."""

    NEED = "need", _("The need and its handling")
    QUOTATION = "quotation", _("The quotation")
    ORDER = "order", _("The order")
    DELIVERY = "delivery", _("A delivery")
    INVOICE = "invoice", _("An invoice or payment")
    GROUP_SHARE = "group_share", _("A group purchase share")
    OTHER = "other", _("Something else")


class ComplaintAction(models.TextChoices):
    ASSIGN = "assign", _("Assign")
    ANSWER = "answer", _("Answer")
    CLOSE = "close", _("Accept the answer and close")
    REOPEN = "reopen", _("Reopen")
    WITHDRAW = "withdraw", _("Withdraw")


# Who files a complaint (and, being its complainant, withdraws, closes or reopens it): a municipality's
# clerk or a supplier's user; the service checks that the actor's municipality or supplier is the one
# that filed it. Who gives it an owner: the org admin or a commerce officer. Who may own and answer it:
# an officer of the organization (the service checks that the one answering is its owner or an assigner).
COMPLAINANT_ROLES = frozenset({Role.MUNICIPALITY_USER, Role.SUPPLIER_USER})
COMPLAINT_ASSIGNERS = OFFICER_ROLES
COMPLAINT_OWNER_ROLES = frozenset({Role.ORG_ADMIN, Role.COMMERCE_OFFICER, Role.FINANCE_OFFICER})

_C, _CA = ComplaintStatus, ComplaintAction
# A complaint's life: filed → assigned (an owner, and again to hand it to another officer) → answered →
# closed by the complainant, or reopened by it once (back to its owner, the clock restarted); withdrawn
# by the complainant while no answer is on record.
COMPLAINT_LIFECYCLE = Lifecycle(
    name="complaint", actions=ComplaintAction, code="complaint_state",
    message=_("The complaint is “%(status)s”; “%(action)s” is not possible now."),
    steps={
        _CA.ASSIGN: Step(frozenset({_C.FILED, _C.ASSIGNED}), _C.ASSIGNED, COMPLAINT_ASSIGNERS),
        _CA.ANSWER: Step(frozenset({_C.ASSIGNED}), _C.ANSWERED, COMPLAINT_OWNER_ROLES),
        _CA.CLOSE: Step(frozenset({_C.ANSWERED}), _C.CLOSED, COMPLAINANT_ROLES),
        _CA.REOPEN: Step(frozenset({_C.ANSWERED}), _C.ASSIGNED, COMPLAINANT_ROLES),
        _CA.WITHDRAW: Step(frozenset({_C.FILED, _C.ASSIGNED}), _C.WITHDRAWN, COMPLAINANT_ROLES),
    },
)
