from django.contrib import admin

from yufang.core.admin import ReadOnlyAdmin

from .models import Debarment, Procurement, ProcurementRule, ProviderProfile, Qualification, ServiceAgreement


@admin.register(ProviderProfile)
class ProviderProfileAdmin(ReadOnlyAdmin):
    list_display = ("organisation", "kind", "status")
    exclude = ("bank_account",)


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ("provider", "kind", "valid_from", "valid_to")


@admin.register(ProcurementRule)
class ProcurementRuleAdmin(ReadOnlyAdmin):
    list_display = ("name", "min_amount", "methods", "is_active")


@admin.register(Procurement)
class ProcurementAdmin(ReadOnlyAdmin):
    list_display = ("item", "method", "amount", "chosen", "decided_on")


@admin.register(Debarment)
class DebarmentAdmin(ReadOnlyAdmin):
    list_display = ("provider", "ground", "decision_number", "start_date", "end_date", "status")


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(ReadOnlyAdmin):
    list_display = ("number", "title", "provider", "item", "price", "status")
