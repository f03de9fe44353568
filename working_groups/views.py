"""Views outside the page tree: joining and leaving, the members directory, the
moderation queue, invitations, RSVP, calendars, feeds and profiles. They stay
thin: permissions.py decides, services.py writes, selectors.py reads."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.visibility import hidden, require_visible

from . import permissions, selectors, services
from .calendar import calendar_response
from .forms import (
    DecisionForm,
    FeatureForm,
    InviteForm,
    JoinRequestForm,
    RemoveMemberForm,
    RsvpForm,
)
from .models import EventPage, Membership, WorkingGroupPage

MEMBERS_PER_PAGE = 24
AUDIT_ENTRIES_PER_PAGE = 50


def _refuse(request):
    """Visitors are sent to sign in; signed-in people without the right get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def group_view(permission=None):
    """Load the live group named by ``slug``; refuse unless the user may see it
    and, when given, ``permission(user, group)`` holds."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            group = selectors.group_get(slug=slug)
            if group is None:
                raise Http404
            if not permissions.can_view_group(request.user, group):
                raise hidden()
            if permission is not None and not permission(request.user, group):
                return _refuse(request)
            return view(request, group, *args, **kwargs)

        return wrapper

    return decorator


def _group_url(group: WorkingGroupPage) -> str:
    return group.get_url() or "/working-groups/"


# --- joining and leaving ----------------------------------------------------------


@login_required
@group_view()
def group_join(request, group):
    membership = selectors.membership_get(user=request.user, group=group)
    if membership is not None and membership.status in (
        Membership.Status.ACTIVE,
        Membership.Status.PENDING,
    ):
        if membership.is_active:
            messages.info(request, _("You are already a member of this group."))
        else:
            messages.info(
                request, _("Your request is waiting for the moderators' decision.")
            )
        return redirect(_group_url(group))
    if group.join_policy == WorkingGroupPage.JoinPolicy.INVITE:
        messages.error(
            request,
            _(
                "This group is invite only: ask one of its moderators for an invitation."
            ),
        )
        return redirect(_group_url(group))
    joins_at_once = group.join_policy == WorkingGroupPage.JoinPolicy.OPEN and (
        membership is None or membership.status != Membership.Status.REMOVED
    )
    form = JoinRequestForm(request.POST or None, motivation_required=not joins_at_once)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_request(
                user=request.user,
                group=group,
                motivation=form.cleaned_data["motivation"],
            )
        except services.MembershipError as error:
            form.add_error(None, str(error))
        else:
            if membership.is_active:
                messages.success(
                    request, _("Welcome! You are now a member of %s.") % group.title
                )
            else:
                messages.success(
                    request,
                    _(
                        "Your request has been sent to the moderators of %s. "
                        "You will get an email when they decide."
                    )
                    % group.title,
                )
            return redirect(_group_url(group))
    return render(
        request,
        "working_groups/group_join.html",
        {"group": group, "form": form, "joins_at_once": joins_at_once},
    )


@login_required
@group_view()
def group_leave(request, group):
    membership = selectors.membership_get(user=request.user, group=group)
    if not permissions.can_leave_group(request.user, membership):
        messages.info(request, _("You are not a member of this group."))
        return redirect(_group_url(group))
    if request.method == "POST":
        try:
            services.membership_leave(membership=membership, actor=request.user)
        except services.MembershipError as error:
            messages.error(request, str(error))
        else:
            if membership.is_pending:
                messages.success(request, _("Your request has been withdrawn."))
            else:
                messages.success(request, _("You have left %s.") % group.title)
        return redirect(_group_url(group))
    return render(
        request,
        "working_groups/group_leave.html",
        {"group": group, "membership": membership},
    )


# --- members directory --------------------------------------------------------------


@group_view(permissions.can_view_members)
def group_members(request, group):
    params = request.GET
    filters = {
        "country": params.get("country", "")[:2].upper(),
        "organisation": params.get("organisation", "")[:200],
        "expertise": params.get("expertise", "")[:100],
    }
    members = selectors.member_list(group=group, **filters)
    page_obj = Paginator(members, MEMBERS_PER_PAGE).get_page(params.get("page"))
    can_moderate = permissions.can_moderate_group(request.user, group)
    rows = [
        {
            "membership": membership,
            "profile": membership.user.profile,
            "can_remove": can_moderate
            and permissions.can_remove_member(request.user, membership),
        }
        for membership in page_obj.object_list
    ]
    return render(
        request,
        "working_groups/group_members.html",
        {
            "group": group,
            "rows": rows,
            "page_obj": page_obj,
            "filters": filters,
            "filtering": any(filters.values()),
            "options": selectors.member_filter_options(group=group),
            "member_count": selectors.member_count(group=group),
            "remove_form": RemoveMemberForm(),
        },
    )


@require_POST
@group_view(permissions.can_moderate_group)
def member_remove(request, group, pk):
    membership = get_object_or_404(Membership, pk=pk, group=group)
    if not permissions.can_remove_member(request.user, membership):
        raise PermissionDenied
    form = RemoveMemberForm(request.POST)
    message = form.cleaned_data["message"] if form.is_valid() else ""
    services.membership_remove(
        membership=membership, actor=request.user, message=message
    )
    messages.success(
        request,
        _("%(name)s is no longer a member.") % {"name": membership.user.profile.name},
    )
    return redirect("working_groups:members", slug=group.slug)


# --- moderation ------------------------------------------------------------------------


def _moderation_page(request, group, *, invite_form=None, status=200):
    context = {
        "group": group,
        "invite_form": invite_form or InviteForm(),
        "decision_form": DecisionForm(),
        **selectors.moderation_queue(user=request.user, group=group),
    }
    return render(
        request, "working_groups/group_moderation.html", context, status=status
    )


@group_view(permissions.can_moderate_group)
def group_moderation(request, group):
    return _moderation_page(request, group)


@require_POST
@group_view(permissions.can_moderate_group)
def membership_decide(request, group, pk, decision):
    membership = get_object_or_404(Membership, pk=pk, group=group)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The message is too long (2,000 characters at most).")
        )
        return redirect("working_groups:moderation", slug=group.slug)
    decide = (
        services.membership_approve
        if decision == "approve"
        else services.membership_decline
    )
    try:
        decide(
            membership=membership,
            actor=request.user,
            message=form.cleaned_data["message"],
        )
    except services.MembershipError as error:
        messages.error(request, str(error))
    else:
        name = membership.user.profile.name
        if decision == "approve":
            messages.success(request, _("%(name)s is now a member.") % {"name": name})
        else:
            messages.success(
                request, _("%(name)s's request was declined.") % {"name": name}
            )
    return redirect("working_groups:moderation", slug=group.slug)


@require_POST
@group_view(permissions.can_invite_to_group)
def group_invite(request, group):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.membership_invite(
                group=group,
                email=form.cleaned_data["email"],
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except services.MembershipError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                _("Invitation sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("working_groups:moderation", slug=group.slug)
    return _moderation_page(request, group, invite_form=form, status=400)


@group_view(permissions.can_moderate_group)
def group_audit_log(request, group):
    entries = selectors.audit_entry_list(group=group)
    page_obj = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "working_groups/group_audit_log.html",
        {"group": group, "entries": page_obj.object_list, "page_obj": page_obj},
    )


# --- invitations -----------------------------------------------------------------------


@login_required
def invitation_detail(request, token):
    invitation = selectors.invitation_get(token=token)
    if invitation is None:
        raise Http404
    may_answer = permissions.can_answer_invitation(request.user, invitation)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        try:
            if request.POST.get("answer") == "accept":
                services.membership_invitation_accept(
                    invitation=invitation, user=request.user
                )
                messages.success(
                    request,
                    _("Welcome! You are now a member of %s.") % invitation.group.title,
                )
            else:
                services.membership_invitation_decline(
                    invitation=invitation, user=request.user
                )
                messages.info(request, _("You declined the invitation."))
        except services.MembershipError as error:
            messages.error(request, str(error))
        return redirect(_group_url(invitation.group))
    return render(
        request,
        "working_groups/invitation_detail.html",
        {"invitation": invitation, "may_answer": may_answer},
        status=200 if may_answer or not invitation.is_open else 403,
    )


# --- events --------------------------------------------------------------------------


def _event_or_404(slug) -> EventPage:
    event = EventPage.objects.live().filter(slug=slug).select_related("group").first()
    if event is None:
        raise Http404
    return event


@require_POST
def event_rsvp(request, slug):
    event = require_visible(request.user, _event_or_404(slug))
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_url(request))
    form = RsvpForm(request.POST)
    if not form.is_valid() or not permissions.can_rsvp_event(request.user, event):
        messages.error(request, _("Registration for this event is closed."))
        return redirect(event.get_url(request))
    registration = services.event_rsvp(
        event=event,
        user=request.user,
        going=form.cleaned_data["response"] == "going",
    )
    if registration.status == registration.Status.GOING:
        messages.success(request, _("You are going. See you there!"))
    elif registration.status == registration.Status.WAITLISTED:
        messages.info(
            request,
            _(
                "The event is full: you are on the waiting list. We will email you "
                "if a place opens up."
            ),
        )
    else:
        messages.info(request, _("You are not going. Thank you for letting us know."))
    return redirect(event.get_url(request))


@require_POST
def event_feature(request, slug):
    event = require_visible(request.user, _event_or_404(slug))
    if not permissions.can_feature_event(request.user, event):
        return _refuse(request)
    form = FeatureForm(request.POST)
    form.is_valid()
    featured = form.cleaned_data.get("featured", False)
    try:
        services.event_feature_set(event=event, user=request.user, featured=featured)
    except services.EventError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The event is now featured.")
            if featured
            else _("The event is no longer featured."),
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(event.get_url(request))


def event_ics(request, slug):
    event = require_visible(request.user, _event_or_404(slug))
    return calendar_response(
        events=[event],
        name=event.title,
        request=request,
        filename=event.slug,
        private=not permissions.can_view_event(None, event),
    )


def events_calendar(request):
    """The site-wide calendar: public events only, whoever asks."""
    return calendar_response(
        events=selectors.event_list_for_calendar(user=None),
        name=_("EMIS Community of Practice events"),
        request=request,
        filename="emis-events",
    )


@group_view()
def group_calendar(request, group):
    """The group's calendar: members get its members-only events too."""
    return calendar_response(
        events=selectors.event_list_for_calendar(user=request.user, group=group),
        name=group.title,
        request=request,
        filename=group.slug,
        private=request.user.is_authenticated,
    )


class EventFeed(Feed):
    """Atom feed of public events, newest first."""

    feed_type = Atom1Feed
    title = gettext_lazy("EMIS Community of Practice: events")
    subtitle = gettext_lazy("Webinars, conferences, workshops and trainings.")

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def link(self):
        return "/events/"

    def items(self):
        return selectors.event_list_public(limit=50)

    def item_title(self, item):
        prefix = _("Cancelled: ") if item.cancelled else ""
        return f"{prefix}{item.title}"

    def item_description(self, item):
        when = item.start_local.strftime("%Y-%m-%d %H:%M")
        parts = [f"{when} ({item.time_zone})", item.introduction]
        parts.append(strip_tags(item.description))
        return "\n\n".join(part for part in parts if part)

    def item_link(self, item):
        return item.get_url(self.request)

    def item_guid(self, item):
        return f"event-{item.pk}"

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_categories(self, item):
        # Through the prefetched tagged items: no query per event.
        return [
            item.event_type,
            *(tagged.tag.name for tagged in item.tagged_items.all()),
        ]


# --- profiles -------------------------------------------------------------------------


def profile_detail(request, pk):
    person = get_object_or_404(
        get_user_model().objects.select_related("profile"), pk=pk, is_active=True
    )
    if not permissions.can_view_profile(request.user, person):
        raise hidden()
    from people.selectors import profile_contributions
    from portal.selectors import profile_get

    return render(
        request,
        "working_groups/profile_detail.html",
        {
            "person": person,
            "profile": profile_get(user=person),
            "memberships": selectors.profile_groups(viewer=request.user, person=person),
            "contributions": profile_contributions(viewer=request.user, person=person),
            "is_self": person.pk == request.user.pk,
            "edit_url": reverse("profile_edit"),
        },
    )
