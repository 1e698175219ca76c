package manager

import "github.com/gostack/gostack/volume/rpcapi"

func rpcapiCreate(id string) rpcapi.CreateVolume { return rpcapi.CreateVolume{VolumeID: id} }
func rpcapiRef(id string) rpcapi.VolumeRef       { return rpcapi.VolumeRef{VolumeID: id} }
