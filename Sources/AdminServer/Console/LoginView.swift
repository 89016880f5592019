/// The sign-in page, with the reason the last attempt was refused.
struct LoginView {
    let error: String?
}
