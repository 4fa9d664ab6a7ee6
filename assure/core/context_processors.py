from django.conf import settings

from .models import Partnership
from .navigation import navigation_for

_BANNERS = {
    "demo": {
        "tag": "Demo",
        "text": "This is a demonstration with made-up records. Do not enter real information about children.",
    },
    "dev": {"tag": "Development", "text": "A developer's copy of Assure."},
}


def assure(request):
    return {
        "partnership": Partnership.current(),
        "navigation": navigation_for(request),
        "environment_banner": _BANNERS.get(settings.ASSURE_ENV),
        "demo_mode": settings.ASSURE_ENV == "demo",
    }
