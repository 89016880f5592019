/// What a page shows when the account has no detector in the session's region.
struct NoDetectorView {
    let region: String
}
