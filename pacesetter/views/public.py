"""The pages every UK public service has, readable signed out."""

from django.shortcuts import render


def accessibility(request):
    return render(request, "pacesetter/public/accessibility.html")


def privacy(request):
    return render(request, "pacesetter/public/privacy.html")


def cookies(request):
    return render(request, "pacesetter/public/cookies.html")


def contact(request):
    return render(request, "pacesetter/public/contact.html")
