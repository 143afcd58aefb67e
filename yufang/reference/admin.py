from django.contrib import admin

from yufang.core.admin import ReadOnlyAdmin

from .models import City, Industry, Position, Region

for model in (City, Region, Industry, Position):
    admin.site.register(model, ReadOnlyAdmin)
