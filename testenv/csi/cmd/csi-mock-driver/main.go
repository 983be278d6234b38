// Command csi-mock-driver serves Kubernetes' own mock CSI driver (the one Kubernetes' end-to-end "CSI mock volume"
// tests run, k8s.io/kubernetes/test/e2e/storage/drivers/csi-test) on a Unix socket, as a CSI driver's controller or
// node plugin serves it. Test infrastructure only: every CSI call is logged as one JSON line ("gRPCCall: {...}"),
// which the tests read to see exactly what a caller sent.
package main

import (
	"flag"
	"fmt"
	"net"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/klog/v2"
	"k8s.io/kubernetes/test/e2e/storage/drivers/csi-test/driver"
	"k8s.io/kubernetes/test/e2e/storage/drivers/csi-test/mock/service"
)

func main() {
	endpoint := flag.String("endpoint", "", "Unix socket to listen on")
	name := flag.String("name", service.Name, "driver name returned by GetPluginInfo")
	nodeExpansion := flag.Bool("node-expansion-required", false, "advertise the node EXPAND_VOLUME capability")
	offline := flag.Bool("disable-online-expansion", false, "advertise VolumeExpansion OFFLINE instead of ONLINE")
	noControllerExpansion := flag.Bool("disable-controller-expansion", false, "do not advertise the controller EXPAND_VOLUME capability")
	klog.InitFlags(nil)
	flag.Parse()
	if *endpoint == "" {
		fmt.Fprintln(os.Stderr, "--endpoint is required")
		os.Exit(2)
	}
	_ = os.Remove(*endpoint)
	mock := service.New(service.Config{
		DriverName:                 *name,
		NodeExpansionRequired:      *nodeExpansion,
		DisableOnlineExpansion:     *offline,
		DisableControllerExpansion: *noControllerExpansion,
		PermissiveTargetPath:       true,
	})
	server := driver.NewCSIDriver(&driver.CSIDriverServers{Controller: mock, Identity: mock, Node: mock})
	listener, err := net.Listen("unix", *endpoint)
	if err != nil {
		klog.Fatalf("listen on %s: %v", *endpoint, err)
	}
	if err := server.Start(listener, nil); err != nil {
		klog.Fatalf("serve: %v", err)
	}
	klog.Infof("driver %s serving on %s", *name, *endpoint)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	server.Stop()
	_ = os.Remove(*endpoint)
}
