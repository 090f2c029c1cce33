"""Sales pages (issue 3)."""

from django.urls import path

from meritline.sales.views import customers, deals, disputes, imports, leads, platforms

app_name = "sales"
urlpatterns = [
    path("platforms/", platforms.platform_list, name="platform_list"),
    path("platforms/export/", platforms.platform_export, name="platform_export"),
    path("platforms/<int:pk>/stage/", platforms.platform_stage, name="platform_stage"),
    path("customers/", customers.customer_list, name="customer_list"),
    path("customers/export/", customers.customer_export, name="customer_export"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("leads/", leads.lead_list, name="lead_list"),
    path("leads/export/", leads.lead_export, name="lead_export"),
    path("leads/new/", leads.lead_register, name="lead_register"),
    path("leads/mine/", leads.my_leads, name="my_leads"),
    path("leads/<int:pk>/", leads.lead_detail, name="lead_detail"),
    path("leads/<int:pk>/advance/", leads.lead_advance, name="lead_advance"),
    path("leads/<int:pk>/review/", leads.lead_review, name="lead_review"),
    path("leads/<int:pk>/assign/", leads.lead_assign, name="lead_assign"),
    path("deals/", deals.deal_list, name="deal_list"),
    path("deals/export/", deals.deal_export, name="deal_export"),
    path("deals/<int:pk>/", deals.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/collect/", deals.deal_collect, name="deal_collect"),
    path("deals/<int:pk>/refund/", deals.deal_refund, name="deal_refund"),
    path("deals/<int:pk>/cancel/", deals.deal_cancel, name="deal_cancel"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/template/<str:kind>/", imports.import_template, name="import_template"),
    path("imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/start/", imports.import_start, name="import_start"),
    path("imports/<int:pk>/progress/", imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/errors/", imports.import_errors, name="import_errors"),
    path("disputes/", disputes.dispute_list, name="dispute_list"),
    path("disputes/export/", disputes.dispute_export, name="dispute_export"),
    path("disputes/new/", disputes.dispute_raise, name="dispute_raise"),
    path("disputes/<int:pk>/", disputes.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/decide/", disputes.dispute_decide, name="dispute_decide"),
]
