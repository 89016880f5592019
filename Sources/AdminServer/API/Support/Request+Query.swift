import Hummingbird

extension Request {
    /// All values of a query parameter, from Hummingbird's `queryParameters`: percent-decoded once, `+` a literal
    /// plus, as SigV4's canonical query reads them. (`URLEncodedFormDecoder` would read `+` as a space, so a request
    /// would mean something other than what its signature covers; `CanonicalRequestMiddleware` has already refused
    /// broken or needless percent-encoding.)
    func queryValues(_ name: String) -> [String] {
        self.uri.queryParameters.getAll(name)
    }

    /// The last value of a query parameter, or nil when it is absent.
    func queryValue(_ name: String) -> String? {
        self.queryValues(name).last
    }
}
