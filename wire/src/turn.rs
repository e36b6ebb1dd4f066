//! TURN (RFC 8656): its methods and attributes beyond STUN's, and ChannelData (§12.4).

/// Methods (RFC 8656 §17).
pub const METHOD_ALLOCATE: u16 = 0x003;
pub const METHOD_REFRESH: u16 = 0x004;
pub const METHOD_SEND: u16 = 0x006;
pub const METHOD_DATA: u16 = 0x007;
pub const METHOD_CREATE_PERMISSION: u16 = 0x008;
pub const METHOD_CHANNEL_BIND: u16 = 0x009;

/// Attributes (RFC 8656 §18).
pub const CHANNEL_NUMBER: u16 = 0x000C;
pub const LIFETIME: u16 = 0x000D;
pub const XOR_PEER_ADDRESS: u16 = 0x0012;
pub const DATA: u16 = 0x0013;
pub const XOR_RELAYED_ADDRESS: u16 = 0x0016;
pub const REQUESTED_TRANSPORT: u16 = 0x0019;
pub const RESERVATION_TOKEN: u16 = 0x0022;

/// The channel numbers a client may bind (RFC 8656 §12).
pub const CHANNELS: std::ops::RangeInclusive<u16> = 0x4000..=0x4FFF;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TurnError {
    /// ChannelData whose length runs past the datagram, or a channel number out of range.
    BadChannelData(String),
}

impl std::fmt::Display for TurnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TurnError::BadChannelData(why) => write!(f, "malformed ChannelData: {why}"),
        }
    }
}

/// Splits a ChannelData message (RFC 8656 §12.4) into its channel and data. Over UDP the
/// datagram may carry padding after the data; the length field says where the data ends.
pub fn channel_data(datagram: &[u8]) -> Result<(u16, &[u8]), TurnError> {
    let h = datagram.get(..4).ok_or_else(|| TurnError::BadChannelData("shorter than its 4-byte header".into()))?;
    let channel = u16::from_be_bytes([h[0], h[1]]);
    let len = usize::from(u16::from_be_bytes([h[2], h[3]]));
    if !CHANNELS.contains(&channel) {
        return Err(TurnError::BadChannelData(format!("channel number {channel:#06x} is outside 0x4000-0x4FFF")));
    }
    let data = datagram.get(4..4 + len).ok_or_else(|| {
        TurnError::BadChannelData(format!("length {len} runs past the {}-byte datagram", datagram.len()))
    })?;
    Ok((channel, data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_data_is_bounded_by_its_length() {
        assert_eq!(channel_data(&[0x40, 0x01, 0, 2, 9, 8, 0, 0]).unwrap(), (0x4001, &[9u8, 8][..]));
        assert!(channel_data(&[0x40, 0x01, 0, 9, 9, 8]).is_err());
        assert!(channel_data(&[0x50, 0x01, 0, 0]).is_err());
        assert!(channel_data(&[0x40]).is_err());
    }
}
