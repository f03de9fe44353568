app_name = "crawlers"
urlpatterns = []
