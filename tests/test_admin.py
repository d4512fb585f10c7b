import pytest
@pytest.mark.filterwarnings("ignore:The default scheme will be changed:django.utils.deprecation.RemovedInDjango60Warning")
def test_probe(curator_client, case):
    r = curator_client.get("/admin/cases/case/add/")
    import re
    print(r.status_code, sorted(set(re.findall(r'name="([^"]+)"', r.text))))
    r = curator_client.get(f"/admin/cases/case/{case.pk}/change/")
    print(r.status_code, sorted(set(re.findall(r'name="([^"]+)"', r.text))))
    print(sorted(set(re.findall(r'<option value="([^"]*)"', curator_client.get("/admin/cases/case/").text))))
