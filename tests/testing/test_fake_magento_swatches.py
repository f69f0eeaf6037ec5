"""Visual swatches in the fake Magento: behaviour from Magento's source (Magento_Swatches'
EavAttribute and OptionManagement plugins, magento/magento2#28195, #36939, #37794), not a
recording."""

from __future__ import annotations

import aiohttp

from magodoo.testing._server import serve
from magodoo.testing.fake_magento import FakeMagento
from tests.testing.test_fake_magento_catalog import Api

SWATCH = {"attribute": {"attribute_code": "finish", "frontend_input": "swatch_visual",
                        "default_frontend_label": "Finish"}}


async def test_swatch_attribute_and_option_swatches(
    magento_session: aiohttp.ClientSession,
) -> None:
    fake = FakeMagento()
    async with serve(fake.app) as url:
        api = Api(magento_session, url, fake.admin_token())
        attr = await api.ok("POST", "/V1/products/attributes", SWATCH)
        assert attr["frontend_input"] == "select"  # saved as select + swatch_input_type
        got = await api.ok("GET", "/V1/products/attributes/finish")
        assert got["frontend_input"] == "select"
        assert "finish" in fake.state.swatch_attributes
        red = await api.ok("POST", "/V1/products/attributes/finish/options",
                           {"option": {"label": "Red", "value": "#FF0000"}})
        raw = await api.ok("POST", "/V1/products/attributes/finish/options",
                           {"option": {"label": "Raw"}})
        assert fake.state.option_swatches == {red: "#FF0000"}
        options = await api.ok("GET", "/V1/products/attributes/finish/options")
        assert {o["value"]: o["label"] for o in options if o["value"]} == {
            red: "Red", raw: "Raw"}  # swatches are not in the answer
        assert await api.ok("PUT", f"/V1/products/attributes/finish/options/{red}",
                            {"option": {"label": "Crimson", "value": "#AA0000"}}) is True
        assert fake.state.option_swatches[red] == "#AA0000"
        # an update that does not resend the swatch drops it (#37794)
        assert await api.ok("PUT", f"/V1/products/attributes/finish/options/{red}",
                            {"option": {"label": "Crimson"}}) is True
        assert red not in fake.state.option_swatches
        # a dropdown keeps no swatch
        await api.ok("POST", "/V1/products/attributes", {
            "attribute": {"attribute_code": "plain", "frontend_input": "select",
                          "default_frontend_label": "Plain"}})
        oid = await api.ok("POST", "/V1/products/attributes/plain/options",
                           {"option": {"label": "A", "value": "#000000"}})
        assert oid not in fake.state.option_swatches


async def test_without_the_swatches_module_swatch_input_is_refused(
    magento_session: aiohttp.ClientSession,
) -> None:
    fake = FakeMagento()
    fake.state.modules = [m for m in fake.state.modules if m != "Magento_Swatches"]
    async with serve(fake.app) as url:
        api = Api(magento_session, url, fake.admin_token())
        status, body = await api.call("POST", "/V1/products/attributes", SWATCH)
        assert status == 400
        assert body["message"] == 'Input type "%1" not found in the input types list.'
        assert body["parameters"] == ["swatch_visual"]
