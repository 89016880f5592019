/// The Kubernetes finding shapes write themselves as `JSONEncoder` (`.sortedKeys`, `.withoutEscapingSlashes`) would,
/// as the other finding shapes do (`Finding+JSONText.swift`).
extension Finding.EksClusterDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("arn", self.arn)
        w.member("createdAt", self.createdAt)
        w.member("name", self.name)
        w.member("status", self.status)
        w.member("vpcId", self.vpcId)
        w.endObject()
    }
}

extension Finding.KubernetesDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("kubernetesUserDetails", self.kubernetesUserDetails)
        w.member("kubernetesWorkloadDetails", self.kubernetesWorkloadDetails)
        w.endObject()
    }
}

extension Finding.KubernetesUserDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("groups", self.groups)
        w.member("impersonatedUser", self.impersonatedUser)
        w.member("sessionName", self.sessionName)
        w.member("uid", self.uid)
        w.member("username", self.username)
        w.endObject()
    }
}

extension Finding.ImpersonatedUser: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("groups", self.groups)
        w.member("username", self.username)
        w.endObject()
    }
}

extension Finding.KubernetesWorkloadDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("containers", self.containers)
        w.member("hostIPC", self.hostIPC)
        w.member("hostNetwork", self.hostNetwork)
        w.member("hostPID", self.hostPID)
        w.member("name", self.name)
        w.member("namespace", self.namespace)
        w.member("serviceAccountName", self.serviceAccountName)
        w.member("type", self.type)
        w.member("uid", self.uid)
        w.member("volumes", self.volumes)
        w.endObject()
    }
}

extension Finding.Container: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("containerRuntime", self.containerRuntime)
        w.member("id", self.id)
        w.member("image", self.image)
        w.member("imagePrefix", self.imagePrefix)
        w.member("name", self.name)
        w.member("securityContext", self.securityContext)
        w.member("volumeMounts", self.volumeMounts)
        w.endObject()
    }
}

extension Finding.SecurityContext: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("allowPrivilegeEscalation", self.allowPrivilegeEscalation)
        w.member("privileged", self.privileged)
        w.endObject()
    }
}

extension Finding.Volume: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("hostPath", self.hostPath)
        w.member("name", self.name)
        w.endObject()
    }
}

extension Finding.HostPath: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("path", self.path)
        w.endObject()
    }
}

extension Finding.VolumeMount: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("mountPath", self.mountPath)
        w.member("name", self.name)
        w.endObject()
    }
}

extension Finding.KubernetesApiCallAction: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("namespace", self.namespace)
        w.member("parameters", self.parameters)
        w.member("remoteIpDetails", self.remoteIpDetails)
        w.member("requestUri", self.requestUri)
        w.member("resource", self.resource)
        w.member("resourceName", self.resourceName)
        w.member("sourceIPs", self.sourceIps)
        w.member("statusCode", self.statusCode)
        w.member("subresource", self.subresource)
        w.member("userAgent", self.userAgent)
        w.member("verb", self.verb)
        w.endObject()
    }
}

extension Finding.KubernetesPermissionCheckedDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("allowed", self.allowed)
        w.member("namespace", self.namespace)
        w.member("resource", self.resource)
        w.member("verb", self.verb)
        w.endObject()
    }
}

extension Finding.KubernetesRoleBindingDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("kind", self.kind)
        w.member("name", self.name)
        w.member("roleRefKind", self.roleRefKind)
        w.member("roleRefName", self.roleRefName)
        w.member("uid", self.uid)
        w.endObject()
    }
}

extension Finding.KubernetesRoleDetails: JSONTextWritable {
    public func write(to w: inout JSONTextWriter) {
        w.beginObject()
        w.member("kind", self.kind)
        w.member("name", self.name)
        w.member("uid", self.uid)
        w.endObject()
    }
}
