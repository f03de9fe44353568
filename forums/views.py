from django.http import Http404


def forum_index(request):
    raise Http404


forum_detail = thread_detail = post_permalink = forum_index
