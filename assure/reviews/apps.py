from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "assure.reviews"
    verbose_name = "Case reviews"
