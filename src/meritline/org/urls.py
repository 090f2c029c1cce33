from django.urls import path

from meritline.org.views import chart, employees, structure

app_name = "org"
urlpatterns = [
    path("employees/", employees.employee_list, name="employee_list"),
    path("employees/export/", employees.employee_export, name="employee_export"),
    path("employees/new/", employees.employee_create, name="employee_create"),
    path("employees/<int:pk>/", employees.employee_detail, name="employee_detail"),
    path("employees/<int:pk>/edit/", employees.employee_edit, name="employee_edit"),
    path("employees/<int:pk>/assign/", employees.employee_assign, name="employee_assign"),
    path("employees/<int:pk>/leave/", employees.employee_leave, name="employee_leave"),
    path("employees/<int:pk>/salary/", employees.employee_salary, name="employee_salary"),
    path("employees/<int:pk>/login/", employees.employee_login, name="employee_login"),
    path("team-on/", employees.team_on, name="team_on"),
    path("departments/", structure.department_list, name="department_list"),
    path("departments/new/", structure.department_create, name="department_create"),
    path("departments/<int:pk>/edit/", structure.department_edit, name="department_edit"),
    path("chart/", chart.org_chart, name="org_chart"),
    path("posts/", structure.post_ladder, name="post_ladder"),
    path("positions/new/", structure.position_create, name="position_create"),
    path("positions/<int:pk>/", structure.position_detail, name="position_detail"),
    path("positions/<int:pk>/edit/", structure.position_edit, name="position_edit"),
    path("positions/<int:pk>/criteria/add/", structure.criterion_add, name="criterion_add"),
    path("criteria/<int:pk>/remove/", structure.criterion_remove, name="criterion_remove"),
    path("positions/<int:pk>/competencies/add/", structure.competency_add, name="competency_add"),
    path("ref/<slug:kind>/", structure.reference_list, name="reference_list"),
    path("ref/<slug:kind>/new/", structure.reference_create, name="reference_create"),
    path("ref/<slug:kind>/<int:pk>/edit/", structure.reference_edit, name="reference_edit"),
]
