from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render


def home(request):
    return render(request, "home.html")


@login_not_required
def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
