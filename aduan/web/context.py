"""Template context for every page of the portal and the back office."""

from aduan.reports.training import training_mode


def site(request):
    return {"training_mode": training_mode()}
