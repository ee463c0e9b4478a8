from __future__ import annotations

app_name = "calibration"
urlpatterns: list[object] = []
