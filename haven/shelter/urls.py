from django.urls import path

from haven.shelter import figure_views, views

app_name = "shelter"

urlpatterns = [
    path("", views.board, name="board"),
    path("check-in/", views.check_in, name="check_in"),
    path("stay/<int:pk>/", views.stay_detail, name="stay"),
    path("stay/<int:pk>/move/", views.move, name="move"),
    path("stay/<int:pk>/check-out/", views.check_out, name="check_out"),
    path("stay/<int:pk>/edit/", views.stay_edit, name="stay_edit"),
    path("arrival/new/", views.arrival_create, name="arrival_create"),
    path("arrival/<int:pk>/cancel/", views.arrival_cancel, name="arrival_cancel"),
    path("log/", views.house_log, name="log"),
    path("rooms/", views.rooms, name="rooms"),
    path("rooms/new/", views.room_create, name="room_create"),
    path("rooms/<int:pk>/", views.room_edit, name="room_edit"),
    path(
        "rooms/<int:pk>/out-of-service/", views.out_of_service_create, name="out_of_service_create"
    ),
    path("out-of-service/<int:pk>/", views.out_of_service_edit, name="out_of_service_edit"),
    path("houses/new/", views.house_create, name="house_create"),
    path("houses/<int:pk>/", views.house_edit, name="house_edit"),
    path("wings/new/", views.wing_create, name="wing_create"),
    path("wings/<int:pk>/", views.wing_edit, name="wing_edit"),
    path("occupancy/", figure_views.occupancy, name="occupancy"),
    path("waiting/", figure_views.waiting_list, name="waiting"),
    path("waiting/new/", figure_views.waiting_create, name="waiting_create"),
    path("waiting/<int:pk>/", figure_views.waiting_edit, name="waiting_edit"),
]
