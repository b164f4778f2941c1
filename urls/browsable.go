package urls

import "ginrest/renderers"

// The browsable API's assets: its script and style sheet, where DRF serves its own.
const browsableAssetsPath = "/static/rest_framework/"

// browsableRoutes serve the browsable API's assets (BROWSABLE_API=false takes them off).
func (a *App) browsableRoutes() []Route {
	return []Route{{Path: browsableAssetsPath + ":file", Name: "browsable-api-assets", View: renderers.NewAsset("file"), Off: !a.Settings.BrowsableAPI}}
}

// setUpBrowsableAPI gives the views the browsable API (DRF's BrowsableAPIRenderer, among
// the default renderers), unless BROWSABLE_API=false. Its pages log in, refresh and log
// out at simplejwt's views of the URL table, so it is set up once the table is built.
func (a *App) setUpBrowsableAPI() {
	if !a.Settings.BrowsableAPI {
		return
	}
	paths := map[string]string{}
	for _, r := range a.Routes {
		paths[r.Name] = r.Path
	}
	cfg := renderers.Config{
		Brand: a.SchemaInfo.Title, RootURL: paths["api-root"],
		LoginURL: paths["token_obtain_pair"], RefreshURL: paths["token_refresh"], LogoutURL: paths["token_blacklist"],
		MFAURL: paths["token_obtain_mfa"], AssetsPath: browsableAssetsPath,
	}
	if a.Sessions.Cookies != nil {
		cfg.CSRFCookie = a.Settings.Sessions.Cookie.CSRFName
	}
	a.Defaults.Pages = renderers.NewBrowsableAPI(cfg)
}
