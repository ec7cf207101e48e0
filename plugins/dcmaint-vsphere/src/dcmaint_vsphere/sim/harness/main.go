// vcsim-dcmaint: govmomi's vCenter simulator with the hardware faults dcmaint's tests need.
//
// govmomi's simulator serves a healthy inventory and cannot be told over the
// API to break anything. This harness builds the inventory, gives every host
// a believable identity (vendor, model, serial, ESXi build) and memory and
// storage elements, sets the faults asked for on the command line, and only
// then starts serving: the faults are part of the inventory from the first
// request on. It prints one JSON line (the URL, the hosts, the datastores)
// and serves until stdin closes or it gets SIGINT/SIGTERM.
//
// Built by dcmaint_vsphere.sim.harness with GOPATH pointing at Debian's
// govmomi sources (golang-github-vmware-govmomi-dev).
package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type faultList []string

func (f *faultList) String() string     { return strings.Join(*f, ",") }
func (f *faultList) Set(v string) error { *f = append(*f, v); return nil }

const faultHelp = `a fault to set, as KIND=WHERE (repeatable). KIND is one of
  psu, fan, temperature   a red numeric sensor on host WHERE
  dimm                    a red memory element on host WHERE
  storage                 a yellow storage element on host WHERE
  alarm                   a triggered red alarm on host WHERE
  disconnected            host WHERE is disconnected
  notresponding           host WHERE is not responding
  maintenance             host WHERE is in maintenance mode
  full                    datastore WHERE is 97 % full
  inaccessible            datastore WHERE is not accessible
  dsalarm                 a triggered yellow alarm on datastore WHERE
WHERE is a name or an index into the hosts (datastores) sorted by name`

type vendorShape struct {
	vendor, model, bios string
	dimm                func(i int) string
	disk                func(i int) string
}

var shapes = []vendorShape{
	{"Dell Inc.", "PowerEdge R750", "1.9.2",
		func(i int) string { return fmt.Sprintf("Memory Device %d DIMM_%c%d", i+1, 'A'+rune(i/4), i%4+1) },
		func(i int) string {
			return fmt.Sprintf("Disk %d on PERC H755 Front (Slot %d)", i, i)
		}},
	{"HPE", "ProLiant DL380 Gen10", "U30 v2.72",
		func(i int) string { return fmt.Sprintf("Memory Device %d PROC %d DIMM %d", i+1, i/8+1, i%8+1) },
		func(i int) string {
			return fmt.Sprintf("Disk %d on HPE Smart Array P408i-a SR Gen10 (Port 1I: Box 1: Bay %d)", i+1, i+1)
		}},
	{"Lenovo", "ThinkSystem SR650", "IVE164L-3.10",
		func(i int) string { return fmt.Sprintf("Memory Device %d DIMM %d", i+1, i+1) },
		func(i int) string { return fmt.Sprintf("Drive %d on ThinkSystem RAID 930-8i (Bay %d)", i, i) }},
}

func green(label string) *types.ElementDescription {
	return state("green", "Green", label)
}

func state(key, label, summary string) *types.ElementDescription {
	return &types.ElementDescription{Key: key, Description: types.Description{Label: label, Summary: summary}}
}

func sensor(name, kind, units string, reading int64, modifier int32) types.HostNumericSensorInfo {
	return types.HostNumericSensorInfo{
		Name: name, HealthState: green("Sensor is operating under normal conditions"),
		CurrentReading: reading, UnitModifier: modifier, BaseUnits: units, SensorType: kind,
		Id: strconv.Itoa(int(time.Now().UnixNano() % 100000)),
	}
}

// diskModels: the vendor and model of each shape's disks, as ESXi's storage elements name them in operationalInfo.
var diskModels = map[string][2]string{
	"Dell Inc.": {"TOSHIBA", "AL15SEB120N"},
	"HPE":       {"HPE", "EG001200JWJNQ"},
	"Lenovo":    {"SEAGATE", "ST1200MM0099"},
}

// diskInfo is what a real host tells of one of its disks: vendor, model, serial and firmware (host number, disk).
func diskInfo(shape vendorShape, host, disk int) []types.HostStorageOperationalInfo {
	made := diskModels[shape.vendor]
	return []types.HostStorageOperationalInfo{
		{Property: "Vendor", Value: made[0]},
		{Property: "Model", Value: made[1]},
		{Property: "Serial Number", Value: fmt.Sprintf("DSK%03d%02d%s", host, disk, strings.ToUpper(shape.vendor[:2]))},
		{Property: "Firmware Version", Value: "0103"},
	}
}

// health gives a host its own health tree: the simulator's template is shared by every host.
func health(template *types.HealthSystemRuntime, shape vendorShape, host int) *types.HealthSystemRuntime {
	sensors := append([]types.HostNumericSensorInfo(nil), template.SystemHealthInfo.NumericSensorInfo...)
	sensors = append(sensors,
		sensor("Power Supply 1 PS1 Status", "power", "Watts", 0, 0),
		sensor("Power Supply 2 PS2 Status", "power", "Watts", 0, 0),
		sensor("System Board 1 Fan1A", "fan", "RPM", 720000, -2),
		sensor("System Board 1 Fan2A", "fan", "RPM", 708000, -2),
		sensor("System Board 1 Inlet Temp", "temperature", "Degrees C", 2300, -2),
		sensor("Processor 1 CPU1 Temp", "temperature", "Degrees C", 5100, -2),
		sensor("System Board 1 PS1 Voltage 1", "voltage", "Volts", 22800, -2),
	)
	for i := range sensors {
		sensors[i].Id = strconv.Itoa(i + 1)
	}
	cpus := append([]types.BaseHostHardwareElementInfo(nil), template.HardwareStatusInfo.CpuStatusInfo...)
	var memory []types.BaseHostHardwareElementInfo
	for i := 0; i < 8; i++ {
		memory = append(memory, &types.HostHardwareElementInfo{Name: shape.dimm(i), Status: green("Physical element is functioning as expected")})
	}
	var storage []types.HostStorageElementInfo
	for i := 0; i < 4; i++ {
		storage = append(storage, types.HostStorageElementInfo{HostHardwareElementInfo: types.HostHardwareElementInfo{
			Name: shape.disk(i), Status: green("Physical element is functioning as expected")},
			OperationalInfo: diskInfo(shape, host, i)})
	}
	return &types.HealthSystemRuntime{
		SystemHealthInfo:   &types.HostSystemHealthInfo{NumericSensorInfo: sensors},
		HardwareStatusInfo: &types.HostHardwareStatusInfo{CpuStatusInfo: cpus, MemoryStatusInfo: memory, StorageStatusInfo: storage},
	}
}

func pick[T any](items []T, names []string, where string) (T, error) {
	var zero T
	if index, err := strconv.Atoi(where); err == nil {
		if index < 0 || index >= len(items) {
			return zero, fmt.Errorf("index %d is out of range (0-%d)", index, len(items)-1)
		}
		return items[index], nil
	}
	for i, name := range names {
		if name == where {
			return items[i], nil
		}
	}
	return zero, fmt.Errorf("no object named %q", where)
}

func sensorNamed(h *simulator.HostSystem, prefix string) *types.HostNumericSensorInfo {
	sensors := h.Runtime.HealthSystemRuntime.SystemHealthInfo.NumericSensorInfo
	for i := range sensors {
		if strings.HasPrefix(sensors[i].Name, prefix) {
			return &sensors[i]
		}
	}
	return nil
}

var alarmCount = 0

func alarm(name string) types.ManagedObjectReference {
	alarmCount++
	ref := types.ManagedObjectReference{Type: "Alarm", Value: fmt.Sprintf("alarm-%d", 100+alarmCount)}
	a := &mo.Alarm{Info: types.AlarmInfo{AlarmSpec: types.AlarmSpec{Name: name, Description: name, Enabled: true}, Key: ref.Value, Alarm: ref}}
	a.Self = ref
	simulator.Map.Put(a)
	return ref
}

func trigger(entity *mo.ManagedEntity, name string, status types.ManagedEntityStatus) {
	ref := alarm(name)
	entity.TriggeredAlarmState = append(entity.TriggeredAlarmState, types.AlarmState{
		Key: fmt.Sprintf("%s.%s", ref.Value, entity.Self.Value), Entity: entity.Self, Alarm: ref,
		OverallStatus: status, Time: time.Now().Add(-17 * time.Minute).UTC(),
	})
	entity.OverallStatus = status
}

func applyFault(fault string, hosts []*simulator.HostSystem, hostNames []string, stores []*simulator.Datastore, storeNames []string) error {
	kind, where, ok := strings.Cut(fault, "=")
	if !ok {
		return fmt.Errorf("fault %q is not KIND=WHERE", fault)
	}
	switch kind {
	case "psu", "fan", "temperature", "dimm", "storage", "alarm", "disconnected", "notresponding", "maintenance":
		h, err := pick(hosts, hostNames, where)
		if err != nil {
			return fmt.Errorf("fault %q: %v", fault, err)
		}
		hw := h.Runtime.HealthSystemRuntime.HardwareStatusInfo
		switch kind {
		case "psu":
			s := sensorNamed(h, "Power Supply 2")
			s.HealthState = state("red", "Red", "Sensor is operating under critical conditions")
			s.Name = "Power Supply 2 PS2 Status: Power Supply AC lost - Assert"
			h.OverallStatus = types.ManagedEntityStatusRed
		case "fan":
			s := sensorNamed(h, "System Board 1 Fan2A")
			s.HealthState = state("red", "Red", "Sensor is operating under critical conditions")
			s.CurrentReading = 0
			h.OverallStatus = types.ManagedEntityStatusRed
		case "temperature":
			s := sensorNamed(h, "System Board 1 Inlet Temp")
			s.HealthState = state("yellow", "Yellow", "Sensor is operating under conditions that are non-critical")
			s.CurrentReading = 4100
			if h.OverallStatus == types.ManagedEntityStatusGreen {
				h.OverallStatus = types.ManagedEntityStatusYellow
			}
		case "dimm":
			hw.MemoryStatusInfo[2].GetHostHardwareElementInfo().Status = state("Red", "Red", "Physical element has failed")
			h.OverallStatus = types.ManagedEntityStatusRed
		case "storage":
			hw.StorageStatusInfo[1].Status = state("Yellow", "Yellow", "Physical element is operating under conditions that are non-critical: predictive failure")
			if h.OverallStatus == types.ManagedEntityStatusGreen {
				h.OverallStatus = types.ManagedEntityStatusYellow
			}
		case "alarm":
			trigger(&h.ManagedEntity, "Host hardware power status", types.ManagedEntityStatusRed)
		case "disconnected":
			h.Runtime.ConnectionState = types.HostSystemConnectionStateDisconnected
			h.Summary.Runtime.ConnectionState = types.HostSystemConnectionStateDisconnected
			h.OverallStatus = types.ManagedEntityStatusGray
		case "notresponding":
			h.Runtime.ConnectionState = types.HostSystemConnectionStateNotResponding
			h.Summary.Runtime.ConnectionState = types.HostSystemConnectionStateNotResponding
			h.OverallStatus = types.ManagedEntityStatusGray
		case "maintenance":
			h.Runtime.InMaintenanceMode = true
			h.Summary.Runtime.InMaintenanceMode = true
		}
	case "full", "inaccessible", "dsalarm":
		ds, err := pick(stores, storeNames, where)
		if err != nil {
			return fmt.Errorf("fault %q: %v", fault, err)
		}
		switch kind {
		case "full":
			ds.Summary.FreeSpace = ds.Summary.Capacity * 3 / 100
		case "inaccessible":
			ds.Summary.Accessible = false
			ds.OverallStatus = types.ManagedEntityStatusRed
		case "dsalarm":
			trigger(&ds.ManagedEntity, "Datastore usage on disk", types.ManagedEntityStatusYellow)
		}
	default:
		return fmt.Errorf("fault %q: unknown kind %q", fault, kind)
	}
	return nil
}

// selfSigned makes the server's certificate: an ECDSA P-256 key for 127.0.0.1 and localhost, which
// OpenSSL's default security level accepts (httptest's built-in certificate is too weak for it).
func selfSigned() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	template := x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "vcsim-dcmaint", Organization: []string{"dcmaint tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
	}
	der, err := x509.CreateCertificate(rand.Reader, &template, &template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

type ready struct {
	URL         string   `json:"url"`
	Kind        string   `json:"kind"`
	Hosts       []string `json:"hosts"`
	Datastores  []string `json:"datastores"`
	Fingerprint string   `json:"fingerprint,omitempty"`
	CertFile    string   `json:"cert_file,omitempty"`
}

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	esx := flag.Bool("esx", false, "serve one standalone ESXi host instead of a vCenter")
	clusters := flag.Int("clusters", 1, "clusters per datacenter")
	clusterHosts := flag.Int("cluster-hosts", 3, "hosts per cluster")
	standalone := flag.Int("standalone", 1, "standalone hosts per datacenter")
	datacenters := flag.Int("datacenters", 1, "datacenters")
	datastores := flag.Int("datastores", 1, "datastores (mounted on every host)")
	vms := flag.Int("vms", 2, "virtual machines per resource pool")
	user := flag.String("username", "user", "the one account that may log in")
	pass := flag.String("password", "pass", "its password")
	anyPassword := flag.Bool("any-password", false, "accept any user name with any non-empty password (-username and -password unused)")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a self-signed certificate")
	delay := flag.Int("delay", 0, "milliseconds added to every SOAP call (network latency)")
	var faults, slow faultList
	flag.Var(&faults, "fault", faultHelp)
	flag.Var(&slow, "slow-method", "METHOD=MS: milliseconds added to every call of one SOAP method (repeatable)")
	flag.Parse()

	model := simulator.VPX()
	if *esx {
		model = simulator.ESX()
	} else {
		model.Datacenter = *datacenters
		model.Cluster = *clusters
		model.ClusterHost = *clusterHosts
		model.Host = *standalone
	}
	model.Datastore = *datastores
	model.Machine = *vms
	model.DelayConfig.Delay = *delay
	model.DelayConfig.MethodDelay = map[string]int{}
	for _, item := range slow {
		method, ms, ok := strings.Cut(item, "=")
		milliseconds, err := strconv.Atoi(ms)
		if !ok || err != nil {
			fmt.Fprintf(os.Stderr, "vcsim-dcmaint: -slow-method %q is not METHOD=MS\n", item)
			os.Exit(2)
		}
		model.DelayConfig.MethodDelay[method] = milliseconds
	}
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim-dcmaint: cannot build the inventory:", err)
		os.Exit(1)
	}
	defer model.Remove()

	var hosts []*simulator.HostSystem
	for _, entity := range simulator.Map.All("HostSystem") {
		hosts = append(hosts, entity.(*simulator.HostSystem))
	}
	sort.Slice(hosts, func(i, j int) bool { return hosts[i].Name < hosts[j].Name })
	hostNames := make([]string, len(hosts))
	for i, h := range hosts {
		hostNames[i] = h.Name
		shape := shapes[i%len(shapes)]
		serial := fmt.Sprintf("SIM%05d%s", i, strings.ToUpper(shape.vendor[:2]))
		h.Summary.Hardware.Vendor, h.Summary.Hardware.Model = shape.vendor, shape.model
		if h.Hardware != nil {
			h.Hardware.SystemInfo.Vendor, h.Hardware.SystemInfo.Model = shape.vendor, shape.model
			h.Hardware.SystemInfo.SerialNumber = serial
			h.Hardware.BiosInfo = &types.HostBIOSInfo{BiosVersion: shape.bios, Vendor: shape.vendor}
		}
		h.Summary.Hardware.OtherIdentifyingInfo = []types.HostSystemIdentificationInfo{{
			IdentifierValue: serial,
			IdentifierType:  &types.ElementDescription{Key: "SerialNumberTag", Description: types.Description{Label: "Serial number tag", Summary: "Serial number tag"}},
		}}
		h.Runtime.HealthSystemRuntime = health(h.Runtime.HealthSystemRuntime, shape, i)
	}
	var stores []*simulator.Datastore
	for _, entity := range simulator.Map.All("Datastore") {
		stores = append(stores, entity.(*simulator.Datastore))
	}
	sort.Slice(stores, func(i, j int) bool { return stores[i].Name < stores[j].Name })
	storeNames := make([]string, len(stores))
	for i, ds := range stores {
		storeNames[i] = ds.Name
		// Fixed figures: the simulator measures the machine's own disk otherwise.
		ds.Summary.Capacity = 4 << 40
		ds.Summary.FreeSpace = ds.Summary.Capacity * 62 / 100
		ds.Summary.Accessible = true
	}
	for _, fault := range faults {
		if err := applyFault(fault, hosts, hostNames, stores, storeNames); err != nil {
			fmt.Fprintln(os.Stderr, "vcsim-dcmaint:", err)
			os.Exit(2)
		}
	}

	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	if *anyPassword {
		// govmomi's SessionManager.validLogin accepts any non-empty user name and password when the
		// service's Listen.User is nil; it cannot check the name alone.
		model.Service.Listen.User = nil
	}
	if *useTLS {
		cert, err := selfSigned()
		if err != nil {
			fmt.Fprintln(os.Stderr, "vcsim-dcmaint: cannot make a certificate:", err)
			os.Exit(1)
		}
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	server := model.Service.NewServer()
	defer server.Close()

	served := *server.URL
	served.User = nil
	answer := ready{URL: served.String(), Kind: "vcenter", Hosts: hostNames, Datastores: storeNames}
	if *esx {
		answer.Kind = "esx"
	}
	if *useTLS {
		sum := sha256.Sum256(server.Certificate().Raw)
		pairs := make([]string, len(sum))
		for i, b := range sum {
			pairs[i] = fmt.Sprintf("%02X", b)
		}
		answer.Fingerprint = strings.Join(pairs, ":")
		if file, err := server.CertificateFile(); err == nil {
			answer.CertFile = file
		}
	}
	line, _ := json.Marshal(answer)
	fmt.Println(string(line))

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	closed := make(chan struct{})
	go func() {
		reader := bufio.NewReader(os.Stdin)
		for {
			if _, err := reader.ReadByte(); err != nil {
				close(closed)
				return
			}
		}
	}()
	select {
	case <-stop:
	case <-closed:
	}
}
