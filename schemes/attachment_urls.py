"""URLs of the attachment task of an application, included under /applications/<reference>/."""

urlpatterns = []
