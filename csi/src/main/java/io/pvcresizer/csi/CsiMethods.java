package io.pvcresizer.csi;

import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.pvcresizer.csi.v1.ControllerExpandVolumeRequest;
import io.pvcresizer.csi.v1.ControllerExpandVolumeResponse;
import io.pvcresizer.csi.v1.ControllerGetCapabilitiesRequest;
import io.pvcresizer.csi.v1.ControllerGetCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginCapabilitiesRequest;
import io.pvcresizer.csi.v1.GetPluginCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginInfoRequest;
import io.pvcresizer.csi.v1.GetPluginInfoResponse;
import io.pvcresizer.csi.v1.NodeExpandVolumeRequest;
import io.pvcresizer.csi.v1.NodeExpandVolumeResponse;
import io.pvcresizer.csi.v1.NodeGetCapabilitiesRequest;
import io.pvcresizer.csi.v1.NodeGetCapabilitiesResponse;

/**
 * The CSI v1 gRPC methods pvc-resizer calls, declared by service and method name as the CSI specification names them
 * ({@code /csi.v1.Controller/ControllerExpandVolume}, ...), with protobuf marshalling of our own messages.
 */
public final class CsiMethods {

    public static final MethodDescriptor<GetPluginInfoRequest, GetPluginInfoResponse> GET_PLUGIN_INFO =
            unary("csi.v1.Identity", "GetPluginInfo", GetPluginInfoRequest.getDefaultInstance(),
                    GetPluginInfoResponse.getDefaultInstance());

    public static final MethodDescriptor<GetPluginCapabilitiesRequest, GetPluginCapabilitiesResponse> GET_PLUGIN_CAPABILITIES =
            unary("csi.v1.Identity", "GetPluginCapabilities", GetPluginCapabilitiesRequest.getDefaultInstance(),
                    GetPluginCapabilitiesResponse.getDefaultInstance());

    public static final MethodDescriptor<ControllerGetCapabilitiesRequest, ControllerGetCapabilitiesResponse> CONTROLLER_GET_CAPABILITIES =
            unary("csi.v1.Controller", "ControllerGetCapabilities", ControllerGetCapabilitiesRequest.getDefaultInstance(),
                    ControllerGetCapabilitiesResponse.getDefaultInstance());

    public static final MethodDescriptor<ControllerExpandVolumeRequest, ControllerExpandVolumeResponse> CONTROLLER_EXPAND_VOLUME =
            unary("csi.v1.Controller", "ControllerExpandVolume", ControllerExpandVolumeRequest.getDefaultInstance(),
                    ControllerExpandVolumeResponse.getDefaultInstance());

    public static final MethodDescriptor<NodeGetCapabilitiesRequest, NodeGetCapabilitiesResponse> NODE_GET_CAPABILITIES =
            unary("csi.v1.Node", "NodeGetCapabilities", NodeGetCapabilitiesRequest.getDefaultInstance(),
                    NodeGetCapabilitiesResponse.getDefaultInstance());

    public static final MethodDescriptor<NodeExpandVolumeRequest, NodeExpandVolumeResponse> NODE_EXPAND_VOLUME =
            unary("csi.v1.Node", "NodeExpandVolume", NodeExpandVolumeRequest.getDefaultInstance(),
                    NodeExpandVolumeResponse.getDefaultInstance());

    private CsiMethods() {
    }

    private static <Q extends Message, R extends Message> MethodDescriptor<Q, R> unary(String service, String method,
            Q request, R response) {
        return MethodDescriptor.<Q, R>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(service, method))
                .setRequestMarshaller(ProtoUtils.marshaller(request))
                .setResponseMarshaller(ProtoUtils.marshaller(response))
                .build();
    }
}
