"""URLs of the budget task of an application, included under /applications/<reference>/."""

urlpatterns = []
