def test_list_page_answers(client, case):
    response = client.get("/")
    assert response.status_code == 200
    assert case.title in response.text
