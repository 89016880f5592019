/// The sign-in form: an access key and the region to work in (us-east-1 when left empty).
struct LoginForm: ConsoleForm {
    var accessKeyId: String?
    var secretAccessKey: String?
    var region: String?

    var chosenRegion: String {
        guard let region = self.region, !region.isEmpty else { return "us-east-1" }
        return region
    }
}
